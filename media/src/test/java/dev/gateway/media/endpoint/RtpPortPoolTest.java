package dev.gateway.media.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RtpPortPoolTest {

    static Stream<Arguments> ranges() {
        return Stream.of(
                Arguments.of("exactly one RTP/RTCP pair", 10000, 10001, 1),
                Arguments.of("a pair and a lone even port", 10000, 10002, 1),
                Arguments.of("two pairs", 10000, 10003, 2),
                Arguments.of("a hundred ports", 20000, 20099, 50),
                Arguments.of("Twilio's default range", 10000, 20000, 5000));
    }

    @ParameterizedTest(name = "{0}: {1}..{2} holds {3}")
    @MethodSource("ranges")
    void capacityIsTheNumberOfPairs(String name, int min, int max, int pairs) {
        RtpPortPool pool = new RtpPortPool(min, max);
        assertEquals(pairs, pool.capacity());
        assertEquals(0, pool.inUse());
    }

    static Stream<Arguments> badRanges() {
        return Stream.of(
                Arguments.of("odd first port", 10001, 10010),
                Arguments.of("empty range", 10000, 10000),
                Arguments.of("reversed range", 10010, 10000));
    }

    @ParameterizedTest(name = "{0} is rejected")
    @MethodSource("badRanges")
    void badRangeIsRejected(String name, int min, int max) {
        assertThrows(IllegalArgumentException.class, () -> new RtpPortPool(min, max));
    }

    @Test
    void handsOutEveryEvenPortOnceThenRunsDry() {
        RtpPortPool pool = new RtpPortPool(30000, 30019);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            int port = pool.acquire();
            assertEquals(0, port % 2, "port " + port + " is even");
            assertTrue(port >= 30000 && port + 1 <= 30019, "port " + port + " and its RTCP port lie in range");
            assertTrue(seen.add(port), "port " + port + " handed out twice");
            assertEquals(i + 1, pool.inUse());
        }
        assertEquals(-1, pool.acquire());
        assertEquals(-1, pool.acquire());
        assertEquals(10, pool.inUse());
    }

    @Test
    void aReleasedPortIsNotReusedAtOnce() {
        RtpPortPool pool = new RtpPortPool(30000, 30005); // 30000, 30002, 30004
        int a = pool.acquire();
        int b = pool.acquire();
        assertEquals(30000, a);
        assertEquals(30002, b);

        pool.release(a);
        assertEquals(30004, pool.acquire(), "the next fresh port comes before the one just freed");
        assertEquals(30000, pool.acquire(), "then the search wraps round to the freed port");
        assertEquals(-1, pool.acquire());
    }

    @Test
    void roundRobinWalksThePoolEvenWhenPortsAreFreedAtOnce() {
        RtpPortPool pool = new RtpPortPool(30000, 30007); // four pairs
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int port = pool.acquire();
            order.add(port);
            pool.release(port);
        }
        assertEquals(List.of(30000, 30002, 30004, 30006, 30000, 30002), order);
        assertEquals(0, pool.inUse());
    }

    @Test
    void exhaustedPoolRecoversAfterARelease() {
        RtpPortPool pool = new RtpPortPool(30000, 30003);
        int a = pool.acquire();
        int b = pool.acquire();
        assertEquals(-1, pool.acquire());

        pool.release(b);
        assertEquals(1, pool.inUse());
        assertEquals(b, pool.acquire());
        assertEquals(2, pool.inUse());
        pool.release(a);
        pool.release(b);
        assertEquals(0, pool.inUse());
    }

    static Stream<Arguments> badReleases() {
        return Stream.of(
                Arguments.of("a port never taken", 30002),
                Arguments.of("an odd (RTCP) port", 30001),
                Arguments.of("a port below the range", 29998),
                Arguments.of("a port above the range", 30010),
                Arguments.of("a negative port", -2));
    }

    @ParameterizedTest(name = "releasing {0} throws")
    @MethodSource("badReleases")
    void releasingAPortNotTakenThrows(String name, int port) {
        RtpPortPool pool = new RtpPortPool(30000, 30009);
        int taken = pool.acquire();
        assertEquals(30000, taken);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.release(port));
        assertTrue(e.getMessage().contains(Integer.toString(port)), e.getMessage());
        assertEquals(1, pool.inUse(), "a bad release changes nothing");
    }

    @Test
    void releasingTwiceThrows() {
        RtpPortPool pool = new RtpPortPool(30000, 30009);
        int port = pool.acquire();
        pool.release(port);
        assertThrows(IllegalStateException.class, () -> pool.release(port));
        assertEquals(0, pool.inUse());
    }

    @Test
    void concurrentAcquiresNeverShareAPort() throws Exception {
        RtpPortPool pool = new RtpPortPool(40000, 40199); // 100 pairs
        int threads = 8;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<Integer>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Callable<List<Integer>> task = () -> {
                    go.await();
                    List<Integer> mine = new ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        int port = pool.acquire();
                        if (port >= 0) {
                            mine.add(port);
                        }
                    }
                    return mine;
                };
                results.add(executor.submit(task));
            }
            go.countDown();
            Set<Integer> all = new HashSet<>();
            int total = 0;
            for (Future<List<Integer>> f : results) {
                List<Integer> mine = f.get();
                total += mine.size();
                all.addAll(mine);
            }
            assertEquals(100, total, "160 attempts on 100 pairs get exactly 100 ports");
            assertEquals(100, all.size(), "no port handed out twice");
            assertEquals(100, pool.inUse());
        } finally {
            executor.shutdownNow();
        }
    }
}
