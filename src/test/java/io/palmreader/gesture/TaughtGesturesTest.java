package io.palmreader.gesture;

import static io.palmreader.vision.SyntheticHand.Finger.CURLED;
import static io.palmreader.vision.SyntheticHand.Finger.STRAIGHT;
import static io.palmreader.vision.SyntheticHand.build;
import static io.palmreader.vision.SyntheticHand.fingers;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.vision.Gesture;
import io.palmreader.vision.Hand;
import io.palmreader.vision.Handedness;
import io.palmreader.vision.SyntheticHand;
import io.palmreader.vision.SyntheticHand.Finger;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Taught gestures on constructed hands: invariances, rejection, names, recording, storage")
class TaughtGesturesTest {

    private static final Finger HALF = new Finger(35, 55, 30);

    /** A ring of thumb and index, the other three fingers straight: the OK sign. */
    static float[] okSign() {
        Finger[] f = fingers(HALF, STRAIGHT, STRAIGHT, STRAIGHT);
        return build(f, SyntheticHand.indexTip(f), 0);
    }

    /** The canned poses, built. */
    static Map<String, float[]> cannedPoses() {
        Map<String, float[]> poses = new LinkedHashMap<>();
        double[] across = {-5, -75, -45};
        poses.put("Closed_Fist", build(fingers(CURLED, CURLED, CURLED, CURLED), across, 0));
        poses.put("Open_Palm", build(fingers(STRAIGHT, STRAIGHT, STRAIGHT, STRAIGHT), new double[] {95, -70}, 0));
        poses.put("Pointing_Up", build(fingers(STRAIGHT, CURLED, CURLED, CURLED), across, 0));
        poses.put("Victory", build(fingers(STRAIGHT, STRAIGHT, CURLED, CURLED), across, 0));
        poses.put("ILoveYou", build(fingers(STRAIGHT, CURLED, CURLED, STRAIGHT), new double[] {95, -70}, 0));
        poses.put("Thumb_Up", build(fingers(CURLED, CURLED, CURLED, CURLED), new double[] {140, -40}, -90));
        Finger[] pinch = fingers(HALF, CURLED, CURLED, CURLED);
        poses.put("Pinch", build(pinch, SyntheticHand.indexTip(pinch), 0));
        return poses;
    }

    static Hand hand(float[] points, String handedness) {
        return new Hand(points.clone(), points.clone(), 1f, Handedness.of(handedness), 1f, Gesture.NONE, 1f, null);
    }

    /** The same hand moved, scaled, turned about each axis, as a camera would see it at another place and angle. */
    static float[] transformed(
            float[] p, double dx, double dy, double scale, double roll, double pitch, double yaw, boolean mirror) {
        float[] out = new float[p.length];
        double[][] r = multiply(rotation(2, roll), multiply(rotation(0, pitch), rotation(1, yaw)));
        for (int i = 0; i < p.length / 3; i++) {
            double[] v = {p[3 * i], p[3 * i + 1], p[3 * i + 2]};
            for (int c = 0; c < 3; c++) {
                double rotated = r[c][0] * v[0] + r[c][1] * v[1] + r[c][2] * v[2];
                out[3 * i + c] = (float) (rotated * scale + (c == 0 ? dx : c == 1 ? dy : 0));
            }
            if (mirror) {
                out[3 * i] = -out[3 * i];
            }
        }
        return out;
    }

    private static double[][] rotation(int axis, double degrees) {
        double c = Math.cos(Math.toRadians(degrees));
        double s = Math.sin(Math.toRadians(degrees));
        return switch (axis) {
            case 0 -> new double[][] {{1, 0, 0}, {0, c, -s}, {0, s, c}};
            case 1 -> new double[][] {{c, 0, s}, {0, 1, 0}, {-s, 0, c}};
            default -> new double[][] {{c, -s, 0}, {s, c, 0}, {0, 0, 1}};
        };
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        double[][] m = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 3; k++) {
                    m[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return m;
    }

    private static TaughtGestures teach(String name, float[] points, String handedness) throws Exception {
        GestureRecording r = new GestureRecording(name, 5, 0);
        for (int i = 0; i < 5; i++) {
            r.offer(List.of(hand(points, handedness)));
        }
        return TaughtGestures.NONE.with(r.finish(100));
    }

    @Test
    @DisplayName("a taught hand shifted, scaled, rotated in the image and out of it, and mirrored still matches")
    void invariances() throws Exception {
        float[] ok = okSign();
        TaughtGestures taught = teach("Ring", ok, "Right");
        float[] reference = HandShape.features(HandShape.canonical(ok, false));
        Object[][] cases = {
            {"shifted", transformed(ok, 300, -120, 1, 0, 0, 0, false), "Right"},
            {"scaled", transformed(ok, 0, 0, 0.0023, 0, 0, 0, false), "Right"},
            {"rotated in the image", transformed(ok, 0, 0, 1, 137, 0, 0, false), "Right"},
            {"upside down", transformed(ok, 0, 0, 1, 180, 0, 0, false), "Right"},
            {"tilted towards the camera", transformed(ok, 0, 0, 1, 0, 40, 25, false), "Right"},
            {"mirrored (the other hand)", transformed(ok, 0, 0, 1, 0, 0, 0, true), "Left"},
            {"all at once", transformed(ok, -40, 75, 3.5, -62, 20, -30, true), "Left"},
        };
        for (Object[] c : cases) {
            float[] moved = (float[]) c[1];
            double d =
                    HandShape.distance(reference, HandShape.features(HandShape.canonical(moved, "Left".equals(c[2]))));
            assertTrue(d < 1e-4, c[0] + ": distance " + d);
            TaughtGestures.Match m = taught.match(hand(moved, (String) c[2]));
            assertNotNull(m, (String) c[0]);
            assertEquals("Ring", m.name());
            assertTrue(m.score() > 0.99, c[0] + ": score " + m.score());
        }
    }

    @Test
    @DisplayName(
            "canonical landmarks: the wrist at the origin, the palm of size 1, and applying it twice changes nothing")
    void canonicalIsAFixedPoint() {
        float[] once = HandShape.canonical(transformed(okSign(), 10, 20, 0.01, 33, 10, 5, false), false);
        assertEquals(0, once[0], 1e-6);
        double size = 0;
        for (int k : new int[] {5, 9, 13, 17}) {
            size += Math.sqrt(
                    once[3 * k] * once[3 * k] + once[3 * k + 1] * once[3 * k + 1] + once[3 * k + 2] * once[3 * k + 2]);
        }
        assertEquals(1, size / 4, 1e-5);
        assertArrayEquals(once, HandShape.canonical(once, false), 1e-5f);
    }

    @Test
    @DisplayName("the rejection threshold: no other canned pose takes a taught OK's name, nor OK a taught pose's")
    void otherPosesAreRejected() throws Exception {
        TaughtGestures ring = teach("Ring", okSign(), "Right");
        for (Map.Entry<String, float[]> pose : cannedPoses().entrySet()) {
            assertNull(ring.match(hand(pose.getValue(), "Right")), pose.getKey() + " is not Ring");
            TaughtGestures other = teach("Mine", pose.getValue(), "Right");
            assertNull(other.match(hand(okSign(), "Right")), "OK is not a taught " + pose.getKey());
            assertEquals(
                    "Mine",
                    other.match(hand(transformed(pose.getValue(), 5, 5, 2, 70, 0, 0, false), "Right"))
                            .name());
        }
    }

    @Test
    @DisplayName("a hand near the taught shape within the radius matches with a lower score; beyond it, not at all")
    void scoreFallsWithDistance() throws Exception {
        float[] ok = okSign();
        TaughtGestures taught = teach("Ring", ok, "Right");
        Random random = new Random(7);
        float[] jittered = ok.clone();
        for (int i = 3; i < jittered.length; i++) {
            jittered[i] += (float) (random.nextGaussian() * 1.5); // 1.5 % of the palm: a camera's jitter
        }
        TaughtGestures.Match near = taught.match(hand(jittered, "Right"));
        assertNotNull(near);
        assertTrue(near.score() < 1 && near.score() > 0.5, "score " + near.score());
        float[] spread = okSign();
        for (int i = 3; i < spread.length; i++) {
            spread[i] += (float) (random.nextGaussian() * 15);
        }
        assertNull(taught.match(hand(spread, "Right")), "15 % of the palm of noise on every point is another shape");
    }

    @Test
    @DisplayName("a hand that showed a taught gesture keeps its name while it stays within the hold factor of the "
            + "radius; a new one needs the radius")
    void heldNamesDoNotFlicker() throws Exception {
        float[] ok = okSign();
        float[] palm = cannedPoses().get("Open_Palm");
        TaughtGestures taught = teach("Ring", ok, "Right");
        float[] reference = HandShape.features(HandShape.canonical(ok, false));
        float[] between = null;
        for (double t = 0; t <= 1 && between == null; t += 0.01) {
            float[] p = new float[ok.length];
            for (int i = 0; i < p.length; i++) {
                p[i] = (float) (ok[i] + t * (palm[i] - ok[i]));
            }
            double d = HandShape.distance(reference, HandShape.features(HandShape.canonical(p, false)));
            if (d > TaughtGestures.BASE_RADIUS * 1.1
                    && d < TaughtGestures.BASE_RADIUS * TaughtGestures.HOLD_FACTOR * 0.9) {
                between = p;
            }
        }
        assertNotNull(between, "a hand between the two radii");
        List<Hand> hands = List.of(hand(between, "Right"));
        assertFalse(taught.label(hands).get(0).taught(), "a hand new to the gesture needs the match radius");
        HandGesture held = taught.label(hands, Map.of("Right", "Ring")).get(0);
        assertEquals("Ring", held.name());
        assertTrue(held.score() < 0.5, "its score says it is beyond the match radius: " + held.score());
        assertFalse(taught.label(hands, Map.of("Left", "Ring")).get(0).taught(), "another hand's name is not held");
        assertFalse(
                taught.label(List.of(hand(palm, "Right")), Map.of("Right", "Ring"))
                        .get(0)
                        .taught(),
                "beyond the hold radius the canned gesture is back");
    }

    @Test
    @DisplayName("the nearest of several taught gestures wins")
    void nearestWins() throws Exception {
        Map<String, float[]> poses = cannedPoses();
        TaughtGestures taught = TaughtGestures.NONE;
        int n = 0;
        for (Map.Entry<String, float[]> p : poses.entrySet()) {
            taught = taught.with(
                    teach("T" + n++, p.getValue(), "Right").gestures().get(0));
        }
        n = 0;
        for (Map.Entry<String, float[]> p : poses.entrySet()) {
            assertEquals(
                    "T" + n++,
                    taught.match(hand(transformed(p.getValue(), 1, 2, 1.2, 15, 0, 0, false), "Right"))
                            .name(),
                    p.getKey());
        }
    }

    /** The hand on the way from {@code from} to {@code to} whose shape is first more than {@code d} from {@code ref}. */
    private static float[] along(float[] from, float[] to, float[] ref, double d) {
        float[] reference = HandShape.features(HandShape.canonical(ref, false));
        for (double t = 0; t <= 1; t += 0.002) {
            float[] p = new float[from.length];
            for (int i = 0; i < p.length; i++) {
                p[i] = (float) (from[i] + t * (to[i] - from[i]));
            }
            if (HandShape.distance(reference, HandShape.features(HandShape.canonical(p, false))) > d) {
                return p;
            }
        }
        throw new AssertionError("no hand that far on the way");
    }

    private static TaughtGesture recorded(String name, float[] points) throws Exception {
        GestureRecording r = new GestureRecording(name, 5, 0);
        for (int i = 0; i < 5; i++) {
            r.offer(List.of(hand(points, "Right")));
        }
        return r.finish(100);
    }

    @Test
    @DisplayName("teaching a name again adds a recording, the oldest dropped past the limit; replacing starts afresh")
    void recordingsAccumulate() throws Exception {
        float[] ok = okSign();
        float[] palm = cannedPoses().get("Open_Palm");
        TaughtGestures set = TaughtGestures.NONE.adding(recorded("Ring", ok), 2);
        set = set.adding(recorded("ring", along(ok, palm, ok, 0.1)), 2);
        assertEquals(List.of("Ring"), set.names(), "the name compares ignoring case and keeps its first spelling");
        assertEquals(2, set.get("Ring").recordings().size());
        assertEquals(10, set.get("Ring").samples());
        TaughtGesture third = recorded("Ring", along(ok, palm, ok, 0.2));
        set = set.adding(third, 2);
        assertEquals(2, set.get("Ring").recordings().size(), "the oldest recording dropped");
        assertArrayEquals(
                third.recordings().get(0).shapes().get(0),
                set.get("Ring").recordings().get(1).shapes().get(0));
        set = set.with(recorded("Ring", ok));
        assertEquals(1, set.get("Ring").recordings().size(), "with() replaces the gesture");
    }

    @Test
    @DisplayName("recordings that differ widen the gesture's radius: a hand beyond one recording's reach is taken")
    void spreadWidensTheRadius() throws Exception {
        float[] ok = okSign();
        float[] palm = cannedPoses().get("Open_Palm");
        float[] second = along(ok, palm, ok, 0.3);
        float[] beyond = along(second, palm, second, TaughtGestures.BASE_RADIUS * 1.1);
        Hand h = hand(beyond, "Right");
        assertNull(TaughtGestures.NONE.adding(recorded("Ring", second), 16).match(h), "one recording: its radius");
        TaughtGestures both =
                TaughtGestures.NONE.adding(recorded("Ring", ok), 16).adding(recorded("Ring", second), 16);
        assertEquals("Ring", both.match(h).name(), "two recordings 0.3 apart: a wider radius");
    }

    @Test
    @DisplayName("a hand read as a canned gesture the recordings never read as needs a clear match")
    void cannedLabelsWinUnlessClear() throws Exception {
        float[] ok = okSign();
        float[] palm = cannedPoses().get("Open_Palm");
        TaughtGestures taught = TaughtGestures.NONE.adding(recorded("Ring", ok), 16);
        float[] near = along(ok, palm, ok, TaughtGestures.BASE_RADIUS * 0.7);
        float[] p = near.clone();
        Hand noCanned = new Hand(p, p, 1f, Handedness.RIGHT, 1f, Gesture.NONE, 1f, null);
        Hand canned = new Hand(p, p, 1f, Handedness.RIGHT, 1f, Gesture.OPEN_PALM, 1f, null);
        assertEquals("Ring", taught.label(List.of(noCanned)).get(0).name());
        assertEquals("Open_Palm", taught.label(List.of(canned)).get(0).name());
        Hand close = new Hand(ok.clone(), ok.clone(), 1f, Handedness.RIGHT, 1f, Gesture.OPEN_PALM, 1f, null);
        assertEquals("Ring", taught.label(List.of(close)).get(0).name(), "the very shape is a clear match");
    }

    @Test
    @DisplayName("two taught poses never overlap: each example's radius stops short of the other gesture's")
    void gesturesKeepApart() throws Exception {
        float[] ok = okSign();
        float[] palm = cannedPoses().get("Open_Palm");
        float[] other = along(ok, palm, ok, 0.25);
        TaughtGestures two =
                TaughtGestures.NONE.adding(recorded("Ring", ok), 16).adding(recorded("Other", other), 16);
        for (double d = 0.02; d < 0.25; d += 0.02) {
            TaughtGestures.Match m = two.match(hand(along(ok, palm, ok, d), "Right"));
            if (m != null) {
                assertEquals(d < 0.125 ? "Ring" : "Other", m.name(), "at " + d);
            }
        }
        assertEquals("Ring", two.match(hand(ok, "Right")).name());
        assertEquals("Other", two.match(hand(other, "Right")).name());
    }

    @Test
    @DisplayName("a team's gestures join the user's own; the user's own wins on a name clash")
    void sharedGestures() throws Exception {
        float[] ok = okSign();
        float[] fist = cannedPoses().get("Closed_Fist");
        TaughtGestures own = TaughtGestures.NONE.adding(recorded("Ring", ok), 16);
        TaughtGestures team = TaughtGestures.NONE
                .adding(recorded("ring", fist), 16)
                .adding(recorded("Rock", cannedPoses().get("ILoveYou")), 16);
        TaughtGestures both = own.withShared(team);
        assertEquals(List.of("Ring", "Rock"), both.names());
        assertEquals("Ring", both.match(hand(ok, "Right")).name());
        assertNull(both.match(hand(fist, "Right")), "the team's Ring is hidden by the user's own");
        assertEquals(
                "Rock", both.match(hand(cannedPoses().get("ILoveYou"), "Right")).name());
    }

    @Test
    @DisplayName("an imported set is taken whole or refused with the reason; the stored one-recording form still reads")
    void strictImportAndOldRecords() throws Exception {
        TaughtGestures set = TaughtGestures.NONE.adding(recorded("Ring", okSign()), 16);
        JsonObject json = set.toJson();
        assertEquals(set.names(), TaughtGestures.parseStrict(json, 16).names());
        JsonObject gesture = json.getJsonArray("gestures").getJsonObject(0);
        Map<String, JsonObject> refused = new LinkedHashMap<>();
        refused.put(
                "twice",
                new JsonObject().put("gestures", new JsonArray().add(gesture).add(gesture)));
        refused.put(
                "bad name",
                new JsonObject()
                        .put("gestures", new JsonArray().add(gesture.copy().put("name", "<x>"))));
        refused.put("extra field", json.copy().put("admin", true));
        refused.put("not a list", new JsonObject().put("gestures", "all"));
        refused.put("a string entry", new JsonObject().put("gestures", new JsonArray().add("Ring")));
        refused.put(
                "NaN",
                new JsonObject()
                        .put(
                                "gestures",
                                new JsonArray()
                                        .add(withShapes(
                                                gesture,
                                                new JsonArray()
                                                        .add(gesture.getJsonArray("recordings")
                                                                .getJsonObject(0)
                                                                .getJsonArray("shapes")
                                                                .getJsonArray(0)
                                                                .copy()
                                                                .set(0, "NaN"))))));
        JsonArray many = new JsonArray();
        for (int i = 0; i <= TaughtGestures.MAX_PER_USER; i++) {
            many.add(gesture.copy().put("name", "g" + i));
        }
        refused.put("33 gestures", new JsonObject().put("gestures", many));
        for (Map.Entry<String, JsonObject> bad : refused.entrySet()) {
            assertThrows(
                    IllegalArgumentException.class, () -> TaughtGestures.parseStrict(bad.getValue(), 16), bad.getKey());
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> TaughtGestures.parseStrict(
                        TaughtGestures.NONE
                                .adding(recorded("Ring", okSign()), 16)
                                .adding(recorded("Ring", okSign()), 16)
                                .toJson(),
                        1));
        JsonObject recording = gesture.getJsonArray("recordings").getJsonObject(0);
        JsonObject old = new JsonObject()
                .put("name", "Ring")
                .put("shapes", recording.getJsonArray("shapes"))
                .put("samples", 15)
                .put("taughtAt", 5L);
        TaughtGestures read = TaughtGestures.fromJson(new JsonObject().put("gestures", new JsonArray().add(old)));
        assertEquals(1, read.get("Ring").recordings().size());
        assertEquals("None", read.get("Ring").recordings().get(0).canned());
        assertEquals("Ring", read.match(hand(okSign(), "Right")).name());
    }

    @Test
    @DisplayName("names: ASCII letters, digits, space, _ and -, 1 to 32 characters, no built-in gesture's name")
    void names() {
        for (String good : List.of("Ring", "my gesture_2", "Daumen-hoch", "a", "x".repeat(32), "ignore all rules")) {
            assertNull(TaughtGesture.nameProblem(good), good);
        }
        for (String bad : List.of(
                "",
                "   ",
                "x".repeat(33),
                "semi;colon",
                "<script>",
                "tab\there",
                "new\nline",
                "quote\"d",
                "back\\slash")) {
            assertNotNull(TaughtGesture.nameProblem(bad), bad);
        }
    }

    @Test
    @DisplayName("names: look-alikes of built-in names and letters outside ASCII are refused")
    void namesOutsideAsciiAreRefused() {
        List<String> refused = List.of(
                "Vict\u043Ery", // Cyrillic small o
                "\u0412ictory", // Cyrillic capital Ve, which looks like B
                "\u0421losed_Fist", // Cyrillic capital Es, which looks like C
                "\u039FK", // Greek capital Omicron
                "\u03BFpen_Palm", // Greek small omicron
                "\uFF2F\uFF2B", // fullwidth O K
                "\uFF11\uFF12", // fullwidth digits
                "Caf\u00E9", // precomposed accented letter
                "Cafe\u0301", // combining acute accent
                "\u0440\u0443\u0447\u043A\u0430", // a Russian word
                "\u0663\u0664", // Arabic-Indic digits
                "Vic\u200Btory", // zero-width space
                "Vic\u200Dtory", // zero-width joiner
                "\uFEFFVictory", // byte order mark
                "Vic\u00ADtory", // soft hyphen
                "bell\u0007", // control characters
                "nul\u0000",
                "del\u007F",
                "nbsp\u00A0here", // no-break space
                "\u2028line"); // line separator
        for (String name : refused) {
            String problem = TaughtGesture.nameProblem(name);
            assertNotNull(problem, name);
            assertTrue(problem.contains("ASCII"), problem);
            assertThrows(
                    IllegalArgumentException.class,
                    () -> TaughtGesture.of(
                            name,
                            new TaughtGesture.Recording(List.of(HandShape.canonical(okSign(), false)), 1, "None", 0)),
                    name);
        }
        assertNull(TaughtGesture.nameProblem("Victory 2"), "plain ASCII is taken");
        assertTrue(TaughtGesture.nameProblem("thumb_up").contains("built-in"));
        assertTrue(TaughtGesture.nameProblem("OK").contains("built-in"));
        assertTrue(TaughtGesture.nameProblem("Swipe_Left").contains("built-in"));
        assertTrue(TaughtGesture.nameProblem("None").contains("built-in"));
    }

    @Test
    @DisplayName("a recording takes only frames with exactly one hand, and fails with a reason when too few come")
    void recordingNeedsOneHand() throws Exception {
        GestureRecording r = new GestureRecording("Ring", 5, 1000);
        Hand ok = hand(okSign(), "Right");
        assertFalse(r.offer(List.of()));
        assertFalse(r.offer(List.of(ok, ok)));
        for (int i = 0; i < 4; i++) {
            assertFalse(r.offer(List.of(ok)));
        }
        assertFalse(r.expired(1000 + GestureRecording.TIME_LIMIT_MS - 1));
        assertTrue(r.expired(1000 + GestureRecording.TIME_LIMIT_MS));
        GestureRecording.TeachFailure f = assertThrows(GestureRecording.TeachFailure.class, () -> r.finish(20_000));
        assertTrue(f.getMessage().contains("only 4 of 5"), f.getMessage());
        assertTrue(r.offer(List.of(ok)));
        assertEquals(5, r.finish(20_000).samples());
    }

    @Test
    @DisplayName("examples that show two poses are refused; a moment out of the pose is forgiven")
    void disagreeingExamples() throws Exception {
        Hand ok = hand(okSign(), "Right");
        Hand fist = hand(cannedPoses().get("Closed_Fist"), "Right");
        GestureRecording two = new GestureRecording("Ring", 10, 0);
        for (int i = 0; i < 10; i++) {
            two.offer(List.of(i % 2 == 0 ? ok : fist));
        }
        GestureRecording.TeachFailure f = assertThrows(GestureRecording.TeachFailure.class, () -> two.finish(1));
        assertTrue(f.getMessage().contains("disagree"), f.getMessage());

        GestureRecording blip = new GestureRecording("Ring", 10, 0);
        for (int i = 0; i < 10; i++) {
            blip.offer(List.of(i == 4 ? fist : ok));
        }
        TaughtGestures taught = TaughtGestures.NONE.with(blip.finish(1));
        assertEquals("Ring", taught.match(ok).name());
        assertNull(taught.match(fist));
    }

    @Test
    @DisplayName("stored and read back whole; damaged entries are left out, duplicates and beyond 32 dropped")
    void storage() throws Exception {
        TaughtGestures taught = teach("Ring", okSign(), "Right");
        TaughtGestures back =
                TaughtGestures.fromJson(new JsonObject(taught.toJson().encode()));
        assertEquals(List.of("Ring"), back.names());
        assertEquals("Ring", back.match(hand(okSign(), "Right")).name());

        JsonObject good = taught.toJson().getJsonArray("gestures").getJsonObject(0);
        JsonArray shape = good.getJsonArray("recordings")
                .getJsonObject(0)
                .getJsonArray("shapes")
                .getJsonArray(0);
        JsonArray entries = new JsonArray()
                .add(withShapes(good, new JsonArray().add(new JsonArray().add(1).add(2))))
                .add(good.copy().put("name", "bad;name"))
                .add(withShapes(good, new JsonArray().add(shape.copy().set(5, "NaN"))))
                .add(withShapes(good, new JsonArray().add(shape.copy().set(5, 1e9))))
                .add(withShapes(good, new JsonArray()))
                .add(good.copy().put("recordings", new JsonArray()))
                .add(good.copy()
                        .put(
                                "recordings",
                                new JsonArray()
                                        .add(good.getJsonArray("recordings")
                                                .getJsonObject(0)
                                                .copy()
                                                .put("canned", "Jazz_Hands"))))
                .add("not an object")
                .add(good.copy().put("name", "ring"));
        for (int i = 0; i < 40; i++) {
            entries.add(good.copy().put("name", "g" + i));
        }
        TaughtGestures read = TaughtGestures.fromJson(new JsonObject().put("gestures", entries));
        assertEquals(TaughtGestures.MAX_PER_USER, read.gestures().size());
        assertEquals("ring", read.names().get(0));
        assertTrue(TaughtGestures.fromJson(new JsonObject().put("gestures", "nope"))
                .isEmpty());
    }

    private static JsonObject withShapes(JsonObject gesture, JsonArray shapes) {
        JsonObject g = gesture.copy();
        g.getJsonArray("recordings").getJsonObject(0).put("shapes", shapes);
        return g;
    }

    @Test
    @DisplayName("non-finite numbers, a wrong count of points and a collapsed hand are refused")
    void invalidLandmarks() {
        float[] nan = okSign();
        nan[10] = Float.NaN;
        assertThrows(IllegalArgumentException.class, () -> HandShape.canonical(nan, false));
        assertThrows(IllegalArgumentException.class, () -> HandShape.canonical(new float[60], false));
        assertThrows(IllegalArgumentException.class, () -> HandShape.canonical(new float[63], false));
        assertNull(teachQuietly().match(hand(new float[63], "Right")), "a collapsed hand matches nothing");
    }

    private static TaughtGestures teachQuietly() {
        try {
            return teach("Ring", okSign(), "Right");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
