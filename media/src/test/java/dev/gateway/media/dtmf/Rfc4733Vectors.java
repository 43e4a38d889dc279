package dev.gateway.media.dtmf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Rows of {@code vectors/rfc4733/table5-example.txt}. */
final class Rfc4733Vectors {
    record Row(int seq, boolean marker, long timestamp, int event, boolean end, int duration, byte[] payload) {
        @Override
        public String toString() {
            return "seq " + seq;
        }
    }

    private Rfc4733Vectors() {
    }

    static List<Row> table5() {
        List<Row> rows = new ArrayList<>();
        try (InputStream in = Rfc4733Vectors.class.getResourceAsStream("/vectors/rfc4733/table5-example.txt")) {
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = reader.readLine()) != null; ) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\\s+");
                rows.add(new Row(Integer.parseInt(f[0]), f[1].equals("1"), Long.parseLong(f[2]),
                        Integer.parseInt(f[3]), f[4].equals("1"), Integer.parseInt(f[5]),
                        HexFormat.of().parseHex(f[6])));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }
}
