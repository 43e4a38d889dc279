package dev.gateway.media.webrtc.dtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SrtpKeyMaterialTest {

    /** Exporter output 0, 1, ..., 59 so every slice is recognisable. */
    private static byte[] counting() {
        byte[] material = new byte[SrtpKeyMaterial.EXPORTER_LENGTH];
        for (int i = 0; i < material.length; i++) {
            material[i] = (byte) i;
        }
        return material;
    }

    private static byte[] range(int from, int to) {
        return Arrays.copyOfRange(counting(), from, to);
    }

    @Test
    void clientWritesWithTheClientHalf() {
        SrtpKeyMaterial keys = SrtpKeyMaterial.fromExporter(0x0001, counting(), DtlsRole.CLIENT);
        // RFC 5764 §4.2: client_write_key | server_write_key | client_write_salt | server_write_salt
        assertArrayEquals(range(0, 16), keys.localKey());
        assertArrayEquals(range(16, 32), keys.remoteKey());
        assertArrayEquals(range(32, 46), keys.localSalt());
        assertArrayEquals(range(46, 60), keys.remoteSalt());
    }

    @Test
    void serverWritesWithTheServerHalf() {
        SrtpKeyMaterial keys = SrtpKeyMaterial.fromExporter(0x0001, counting(), DtlsRole.SERVER);
        assertArrayEquals(range(16, 32), keys.localKey());
        assertArrayEquals(range(0, 16), keys.remoteKey());
        assertArrayEquals(range(46, 60), keys.localSalt());
        assertArrayEquals(range(32, 46), keys.remoteSalt());
    }

    @Test
    void arraysAreCopiedInAndOut() {
        byte[] key = range(0, 16);
        SrtpKeyMaterial keys = new SrtpKeyMaterial(1, key, range(0, 14), range(16, 32), range(32, 46));
        key[0] = 99;
        keys.localKey()[1] = 99;
        assertArrayEquals(range(0, 16), keys.localKey());
        assertEquals(new SrtpKeyMaterial(1, range(0, 16), range(0, 14), range(16, 32), range(32, 46)), keys);
    }

    @Test
    void rejectsOtherProfilesAndLengths() {
        assertThrows(IllegalArgumentException.class,
                () -> new SrtpKeyMaterial(0x0007, range(0, 16), range(0, 14), range(0, 16), range(0, 14)));
        assertThrows(IllegalArgumentException.class,
                () -> new SrtpKeyMaterial(1, range(0, 15), range(0, 14), range(0, 16), range(0, 14)));
        assertThrows(IllegalArgumentException.class,
                () -> new SrtpKeyMaterial(1, range(0, 16), range(0, 14), range(0, 16), range(0, 12)));
        assertThrows(IllegalArgumentException.class,
                () -> SrtpKeyMaterial.fromExporter(1, new byte[59], DtlsRole.CLIENT));
    }

    @Test
    void toStringHidesKeys() {
        String text = SrtpKeyMaterial.fromExporter(1, counting(), DtlsRole.CLIENT).toString();
        assertEquals("SrtpKeyMaterial[profile=0x0001, keys redacted]", text);
        assertFalse(text.contains("[0, 1"));
    }
}
