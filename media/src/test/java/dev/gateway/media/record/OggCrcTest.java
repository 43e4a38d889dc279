package dev.gateway.media.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Ogg checksum against pages FFmpeg wrote, and {@link OggStream}'s pages read back. */
class OggCrcTest {

    static byte[] resource(String path) throws IOException {
        try (InputStream in = OggCrcTest.class.getResourceAsStream("/vectors/" + path)) {
            return in.readAllBytes();
        }
    }

    @Test
    void checkValueOfTheCatalogue() {
        // CRC-32/POSIX (same polynomial, init 0, unreflected) has check 0x765E7680 with a final XOR of all ones;
        // Ogg's checksum is the same CRC without that XOR.
        byte[] digits = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0x89A1897F, OggCrc.of(digits, 0, digits.length));
        assertEquals(0x765E7680, ~OggCrc.of(digits, 0, digits.length));
    }

    @Test
    void reproducesTheChecksumOfEveryPageFfmpegWrote() throws IOException {
        byte[] file = resource("rfc3533/ffmpeg-opus-stereo.ogg");
        List<OggPages.Page> pages = OggPages.parse(file);
        assertEquals(3, pages.size());
        assertEquals(0xF7C5D51C, pages.get(0).storedCrc());
        assertEquals(0x54BE9549, pages.get(1).storedCrc());
        assertEquals(0xE67C055C, pages.get(2).storedCrc());
        for (OggPages.Page page : pages) {
            assertEquals(page.storedCrc(), OggPages.crcOf(file, page), "page " + page.sequence());
        }
    }

    @Test
    void updateInPiecesEqualsOneGo() {
        byte[] data = "OggS and some more bytes to checksum".getBytes(StandardCharsets.US_ASCII);
        int whole = OggCrc.of(data, 0, data.length);
        assertEquals(whole, OggCrc.update(OggCrc.of(data, 0, 10), data, 10, data.length - 10));
    }

    @Test
    void pagesReadBackWithLacingFlagsGranulesAndChecksums() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OggStream ogg = new OggStream(Channels.newChannel(bytes), 0x12345678);
        byte[] a = filled(19, 1);
        byte[] b = filled(255, 2);  // laced 255, 0
        byte[] c = filled(600, 3);  // laced 255, 255, 90
        ogg.packet(a, 0, a.length, 0);
        ogg.flush();
        ogg.packet(b, 0, b.length, 960);
        ogg.packet(c, 0, c.length, 1920);
        ogg.flush();
        ogg.flush(); // nothing pending: no page
        ogg.end(1900);
        byte[] file = bytes.toByteArray();
        assertEquals(ogg.bytesWritten(), file.length);

        List<OggPages.Page> pages = OggPages.parse(file);
        assertEquals(3, pages.size());
        OggPages.Page first = pages.get(0);
        assertTrue(first.bos());
        assertFalse(first.eos());
        assertEquals(0, first.granule());
        assertEquals(0x12345678, first.serial());
        assertArrayEquals(a, first.packets().get(0));

        OggPages.Page second = pages.get(1);
        assertEquals(0, second.headerType());
        assertEquals(1920, second.granule());
        assertEquals(1, second.sequence());
        assertEquals(2, second.packets().size());
        assertArrayEquals(b, second.packets().get(0));
        assertArrayEquals(c, second.packets().get(1));
        assertEquals(5, file[second.offset() + 26], "segments: 255,0 + 255,255,90");

        OggPages.Page last = pages.get(2);
        assertTrue(last.eos());
        assertEquals(1900, last.granule());
        assertEquals(2, last.sequence());
        assertEquals(0, last.packets().size());
        for (OggPages.Page page : pages) {
            assertEquals(page.storedCrc(), OggPages.crcOf(file, page));
        }
        assertThrows(IllegalStateException.class, () -> ogg.packet(a, 0, a.length, 0));
    }

    @Test
    void aFullSegmentTableStartsANewPage() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OggStream ogg = new OggStream(Channels.newChannel(bytes), 1);
        byte[] p = filled(10, 7);
        for (int i = 0; i < 300; i++) {
            ogg.packet(p, 0, p.length, i + 1);
        }
        ogg.end(300);
        List<OggPages.Page> pages = OggPages.parse(bytes.toByteArray());
        assertEquals(2, pages.size());
        assertEquals(255, pages.get(0).packets().size());
        assertEquals(255, pages.get(0).granule());
        assertEquals(45, pages.get(1).packets().size());
        assertThrows(IllegalArgumentException.class, () -> ogg.packet(new byte[65025], 0, 65025, 0));
    }

    private static byte[] filled(int n, int v) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) v);
        return b;
    }
}
