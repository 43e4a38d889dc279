package dev.gateway.media.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
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
    void consecutiveAllocationsAreNotSequential() {
        RtpPortPool pool = new RtpPortPool(10000, 20000); // 5000 pairs, the real source of randomness
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            ports.add(pool.acquire());
        }
        int nextPair = 0;
        for (int i = 1; i < ports.size(); i++) {
            if (ports.get(i) == ports.get(i - 1) + 2) {
                nextPair++;
            }
        }
        // by chance ~1 in 2500 per step; round robin would make all 99 steps +2
        assertTrue(nextPair <= 3, "ports follow one another in " + nextPair + " of 99 steps: " + ports);
        assertEquals(100, new HashSet<>(ports).size(), "no port handed out twice");
        int spread = ports.stream().mapToInt(Integer::intValue).max().getAsInt()
                - ports.stream().mapToInt(Integer::intValue).min().getAsInt();
        assertTrue(spread > 5000, "100 ports spread over the range, not clustered: " + spread);
    }

    @Test
    void aReleasedPortIsNotReusedAtOnce() {
        RtpPortPool pool = new RtpPortPool(30000, 30005, new SplittableRandom(1)); // 30000, 30002, 30004
        int a = pool.acquire();
        int b = pool.acquire();
        int c = 30000 + 30002 + 30004 - a - b;

        pool.release(a);
        assertEquals(c, pool.acquire(), "the fresh pair comes before the one just freed");
        assertEquals(a, pool.acquire(), "the freed pair is handed out when nothing else is free");
        assertEquals(-1, pool.acquire());
    }

    @Test
    void theLastFreedPairsCoolOffWhileOthersAreFree() {
        RtpPortPool pool = new RtpPortPool(30000, 30199, new SplittableRandom(7)); // 100 pairs, 32 cool off
        ArrayDeque<Integer> recentlyFreed = new ArrayDeque<>();
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            int port = pool.acquire();
            assertFalse(recentlyFreed.contains(port), "port " + port + " reused within " + RtpPortPool.COOLING_MAX
                    + " releases: " + recentlyFreed);
            seen.add(port);
            pool.release(port);
            recentlyFreed.addLast(port);
            if (recentlyFreed.size() > RtpPortPool.COOLING_MAX) {
                recentlyFreed.removeFirst();
            }
        }
        assertEquals(100, seen.size(), "every pair is used in the end");
        assertEquals(0, pool.inUse());
    }

    @Test
    void aFullPoolReportsNoPortEvenWithPairsCooling() {
        RtpPortPool pool = new RtpPortPool(30000, 30019, new SplittableRandom(3)); // 10 pairs, 5 cool off
        List<Integer> taken = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            taken.add(pool.acquire());
        }
        assertEquals(-1, pool.acquire());
        for (int i = 0; i < 7; i++) { // more than the cooling FIFO holds
            pool.release(taken.get(i));
        }
        Set<Integer> again = new HashSet<>();
        for (int i = 0; i < 7; i++) {
            again.add(pool.acquire());
        }
        assertEquals(Set.copyOf(taken.subList(0, 7)), again, "the seven freed pairs, cooling or not, come back");
        assertEquals(-1, pool.acquire(), "then the pool is full again");
        assertEquals(10, pool.inUse());
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
        if (taken == port) {
            pool.release(taken);
            taken = pool.acquire(); // "a port never taken" must not be the one taken at random
        }

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
