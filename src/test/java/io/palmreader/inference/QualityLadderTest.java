package io.palmreader.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.vision.ModelVariant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The quality ladder on a simulated clock: one worker whose frames cost a fixed time per rung (full 40 ms, lite 16 ms,
 * lite searching less often 12 ms), and sessions sending at a fixed rate with one frame in flight and one waiting, as
 * the gateway sends them. Nothing here reads a real clock, so the outcome is the same on any machine.
 */
@DisplayName("Quality ladder: degrade to the lite model before shedding, shed only past the last rung")
class QualityLadderTest {

    private static final int MAX_QUEUE_MS = 100;
    private static final FrameCosts COSTS = new FrameCosts(40, 16, 12);
    /** Frames a second the full rung holds: 1000 / 40. */
    private static final double FULL_CAPACITY = 25;

    /** What the simulated sessions were told, per rung, after the first simulated seconds. */
    private record Outcome(Map<Rung, Integer> answered, int shed, int answeredTotal, int shedTotal, int flips) {
        int answeredOn(Rung rung) {
            return answered.getOrDefault(rung, 0);
        }
    }

    private static final class Session {
        final double periodMs;
        final boolean fixed;
        double nextSendMs;
        boolean inflight;
        boolean waiting;
        Rung rung = Rung.AS_ASKED;

        Session(double periodMs, double phaseMs, boolean fixed) {
            this.periodMs = periodMs;
            this.nextSendMs = phaseMs;
            this.fixed = fixed;
        }
    }

    /**
     * Runs {@code sessions} sessions at {@code fps} each (plus {@code fixedSessions} asking for fixed quality) against
     * one worker for {@code seconds}, counting from {@code settleSeconds} on.
     */
    private static Outcome simulate(int sessions, int fixedSessions, double fps, boolean degrade, int seconds) {
        long[] nanos = {1_000_000_000L};
        WorkerMailbox<Session> mailbox =
                new WorkerMailbox<>(1, 0, MAX_QUEUE_MS, degrade, () -> nanos[0], () -> nanos[0] / 1_000_000);
        mailbox.warmedUp(COSTS);
        List<Session> all = new ArrayList<>();
        for (int i = 0; i < sessions + fixedSessions; i++) {
            all.add(new Session(1000 / fps, i * 1000 / fps / (sessions + fixedSessions), i >= sessions));
        }
        Map<Rung, Integer> answered = new EnumMap<>(Rung.class);
        int[] shed = {0};
        int[] totals = {0, 0};
        int flips = 0;
        double settleMs = 3000;
        Session running = null;
        Rung runningRung = null;
        double runningEndsMs = 0;
        for (double now = 0; now < seconds * 1000.0; now += 0.25) {
            nanos[0] = 1_000_000_000L + (long) (now * 1e6);
            boolean counted = now >= settleMs;
            if (running != null && now >= runningEndsMs) {
                mailbox.finish(true);
                if (running.rung != runningRung && counted) {
                    flips++;
                }
                running.rung = runningRung;
                running.inflight = false;
                totals[0]++;
                if (counted) {
                    answered.merge(runningRung, 1, Integer::sum);
                }
                Session s = running;
                running = null;
                if (s.waiting) {
                    s.waiting = false;
                    submit(mailbox, s, counted, shed, totals);
                }
            }
            for (Session s : all) {
                if (now >= s.nextSendMs) {
                    s.nextSendMs += s.periodMs;
                    if (s.inflight) {
                        s.waiting = true; // a newer frame replaces the waiting one
                    } else {
                        submit(mailbox, s, counted, shed, totals);
                    }
                }
            }
            if (running == null && mailbox.next() == WorkerMailbox.Step.TAKE_NOW) {
                WorkerMailbox.Batch<Session> batch = mailbox.take();
                for (WorkerMailbox.Shed<Session> late : batch.shed()) {
                    late.frame().inflight = false;
                    totals[1]++;
                    if (counted) {
                        shed[0]++;
                    }
                }
                if (!batch.frames().isEmpty()) {
                    running = batch.frames().get(0);
                    runningRung = batch.rungs().get(0);
                    runningEndsMs = now + COSTS.toArray()[FrameCosts.index(runningRung, ModelVariant.FULL)];
                }
            }
        }
        return new Outcome(answered, shed[0], totals[0], totals[1], flips);
    }

    private static void submit(WorkerMailbox<Session> mailbox, Session s, boolean counted, int[] shed, int[] totals) {
        Optional<WorkerMailbox.Ticket> ticket = mailbox.admit(s.rung, ModelVariant.FULL, s.fixed);
        if (ticket.isEmpty()) {
            totals[1]++;
            if (counted) {
                shed[0]++;
            }
            return;
        }
        s.inflight = true;
        mailbox.enqueue(ticket.get(), s, Long.MAX_VALUE);
    }

    @Test
    @DisplayName("light load (40% of the full rung): every frame answered on the full model")
    void lightLoadDegradesNothing() {
        Outcome o = simulate(2, 0, FULL_CAPACITY * 0.4 / 2, true, 20);
        assertEquals(0, o.shedTotal(), "" + o);
        assertTrue(o.answeredTotal() >= 20 * 10 - 2, "every frame answered: " + o);
        assertEquals(0, o.answeredOn(Rung.LITE) + o.answeredOn(Rung.SPARSE_SEARCH), "nothing degraded: " + o);
    }

    @Test
    @DisplayName("twice what the full rung holds: nothing shed, every frame answered on the lite model, no flapping")
    void twiceTheFullCapacityRunsLite() {
        Outcome o = simulate(5, 0, FULL_CAPACITY * 2 / 5, true, 20);
        assertEquals(0, o.shedTotal(), "nothing shed from the first frame on: " + o);
        assertEquals(sum(o), o.answeredOn(Rung.LITE), "all lite once settled: " + o);
        assertEquals(0, o.flips(), "sessions stay on their rung: " + o);
        // Without the ladder the same load sheds half its frames.
        Outcome off = simulate(5, 0, FULL_CAPACITY * 2 / 5, false, 20);
        assertTrue(off.shed() > sum(off) * 0.8, "off: " + off);
    }

    @Test
    @DisplayName("four times the full rung: every answer on the last rung, shedding only what that rung cannot hold")
    void fourTimesShedsOnlyPastTheLastRung() {
        Outcome o = simulate(10, 0, FULL_CAPACITY * 4 / 10, true, 20);
        assertEquals(sum(o), o.answeredOn(Rung.SPARSE_SEARCH), "" + o);
        // 17 s at 1000 / 12 frames a second is what the last rung holds: answered within a frame or two of it.
        double lastRungHolds = 17 * 1000.0 / 12;
        assertTrue(sum(o) >= lastRungHolds - 3, "answered as the last rung holds: " + o);
        assertTrue(o.shed() > 0, "the rest is shed: " + o);
        Outcome off = simulate(10, 0, FULL_CAPACITY * 4 / 10, false, 20);
        assertTrue(sum(o) > 3 * sum(off), "the ladder answers over three times what the full model does: " + sum(off));
    }

    @Test
    @DisplayName("a session asking for fixed quality keeps its model under load and is shed instead")
    void fixedQualityIsShedNotDegraded() {
        Outcome o = simulate(0, 5, FULL_CAPACITY * 2 / 5, true, 20);
        assertEquals(sum(o), o.answeredOn(Rung.AS_ASKED), "" + o);
        assertTrue(o.shed() > 0, "" + o);
    }

    @Test
    @DisplayName("off: every frame on the model asked for; the excess shed")
    void offNeverDegrades() {
        Outcome o = simulate(10, 0, FULL_CAPACITY * 4 / 10, false, 10);
        assertEquals(sum(o), o.answeredOn(Rung.AS_ASKED), "" + o);
        assertTrue(o.shed() > 0);
    }

    @Test
    @DisplayName("the band between degrading and restoring: a session on lite stays there at 90%, returns below 80%")
    void hysteresis() {
        QualityLadder ladder = new QualityLadder(true, MAX_QUEUE_MS);
        ladder.warmedUp(COSTS);
        long t = 0;
        // A second and more of 22.5 frames a second: 90% of what the full rung holds.
        for (int i = 0; i < 100; i++) {
            t += (long) (1e9 / 22.5);
            ladder.arrived(t);
        }
        assertEquals(Rung.AS_ASKED, ladder.choose(Rung.AS_ASKED, ModelVariant.FULL, false, true, 0, t));
        assertEquals(Rung.LITE, ladder.choose(Rung.LITE, ModelVariant.FULL, false, true, 0, t), "stays lite at 90%");
        for (int i = 0; i < 100; i++) {
            t += (long) (1e9 / 18);
            ladder.arrived(t);
        }
        assertEquals(Rung.AS_ASKED, ladder.choose(Rung.LITE, ModelVariant.FULL, false, true, 0, t), "back at 72%");
    }

    @Test
    @DisplayName("a frame that would wait too long on its rung takes a cheaper one, and is shed only if none fits")
    void aFrameTakesTheRungItFitsOn() {
        QualityLadder ladder = new QualityLadder(true, MAX_QUEUE_MS);
        ladder.warmedUp(COSTS);
        assertEquals(Rung.AS_ASKED, ladder.choose(Rung.AS_ASKED, ModelVariant.FULL, false, false, 60, 0));
        assertEquals(Rung.LITE, ladder.choose(Rung.AS_ASKED, ModelVariant.FULL, false, false, 70, 0));
        assertEquals(Rung.SPARSE_SEARCH, ladder.choose(Rung.AS_ASKED, ModelVariant.FULL, false, false, 86, 0));
        assertNull(ladder.choose(Rung.AS_ASKED, ModelVariant.FULL, false, false, 90, 0));
        assertNull(ladder.choose(Rung.AS_ASKED, ModelVariant.FULL, true, false, 70, 0), "fixed: shed");
        assertEquals(
                Rung.AS_ASKED,
                ladder.choose(Rung.AS_ASKED, ModelVariant.FULL, false, true, 500, 0),
                "an idle worker takes any frame as asked");
        // A session that asked for the lite model is not degraded by running it: its next step is fewer searches.
        assertEquals(Rung.AS_ASKED, ladder.choose(Rung.AS_ASKED, ModelVariant.LITE, false, false, 84, 0));
        assertEquals(Rung.SPARSE_SEARCH, ladder.choose(Rung.AS_ASKED, ModelVariant.LITE, false, false, 86, 0));
    }

    @Test
    @DisplayName("costs follow the batches run, each rung's in proportion to its estimate")
    void costsFollowBatches() {
        QualityLadder ladder = new QualityLadder(true, MAX_QUEUE_MS);
        ladder.warmedUp(COSTS);
        ladder.ran(new int[] {0, 1, 0}, 26);
        assertEquals(0.8 * 16 + 0.2 * 26, ladder.costMs(Rung.LITE, ModelVariant.FULL), 1e-9);
        assertEquals(40, ladder.costMs(Rung.AS_ASKED, ModelVariant.FULL), 1e-9, "what did not run keeps its cost");
        ladder.ran(new int[] {1, 0, 1}, 104); // twice the 52 ms expected
        assertEquals(0.8 * 40 + 0.2 * 80, ladder.costMs(Rung.AS_ASKED, ModelVariant.FULL), 1e-9);
        assertEquals(0.8 * 12 + 0.2 * 24, ladder.costMs(Rung.SPARSE_SEARCH, ModelVariant.FULL), 1e-9);
    }

    private static int sum(Outcome o) {
        return o.answered().values().stream().mapToInt(Integer::intValue).sum();
    }
}
