package io.palmreader.gesture;

import io.palmreader.vision.Gesture;
import io.palmreader.vision.Hand;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * How well taught gestures carry over to other photos of the same pose: for each pose, {@code examples} recordings are
 * taught from as many of its photos (as a session would record them), every other photo is labelled with the taught
 * set, and what each reads is counted. Repeated for several rounds, each with other teaching photos drawn at random
 * (seeded), and pooled. Photos of no pose ({@code none}) must never read a taught name. Pure: the hands come from the
 * caller.
 */
public final class TeachEvaluation {

    /** What a photo reads as when no hand in it takes a taught name. */
    public static final String NOT_TAUGHT = "(not taught)";

    /** What a photo reads as when the pipeline finds no hand in it. */
    public static final String NO_HAND = "(no hand)";

    /**
     * One photo.
     *
     * @param name     its file's name within the pose's folder
     * @param hands    the hands found in it searched afresh, as a single frame would answer
     * @param teaching the answers a session recording it would get, frame by frame (empty when it cannot teach)
     */
    public record Photo(String name, List<Hand> hands, List<List<Hand>> teaching) {

        /** The canned label of each hand found in it, or {@link #NO_HAND}. */
        public List<String> canned() {
            return hands.isEmpty()
                    ? List.of(NO_HAND)
                    : hands.stream().map(h -> h.gesture().label()).toList();
        }
    }

    /**
     * The pooled counts.
     *
     * @param poses          per pose: photos labelled, photos that read its taught name
     * @param confusion      per pose (and {@code none}): what its photos read as, counted
     * @param wrong          photos that read a taught name of another pose: "pose/photo → name"
     * @param cannedChanged  photos with a canned label that lost it to another pose's taught name
     * @param cannedPhotos   labelled photos with a canned label (other than None)
     * @param teachFailures  recordings that made no gesture (the reason counted under "teach failed")
     * @param canned         per pose, per photo: the canned labels of its hands
     */
    public record Report(
            Map<String, PoseCount> poses,
            Map<String, Map<String, Integer>> confusion,
            List<String> wrong,
            int cannedChanged,
            int cannedPhotos,
            int teachFailures,
            Map<String, Map<String, List<String>>> canned,
            int examples,
            int rounds) {

        /** All poses' counts together. */
        public PoseCount total() {
            return new PoseCount(
                    poses.values().stream().mapToInt(PoseCount::labelled).sum(),
                    poses.values().stream().mapToInt(PoseCount::withHand).sum(),
                    poses.values().stream().mapToInt(PoseCount::recognised).sum());
        }

        /** Photos that read their own pose's name, over all poses. */
        public double recall() {
            return total().recall();
        }
    }

    /**
     * One pose's photos labelled, those in which the pipeline found a hand, and those recognised, over all rounds.
     */
    public record PoseCount(int labelled, int withHand, int recognised) {
        public double recall() {
            return labelled == 0 ? 0 : (double) recognised / labelled;
        }

        /** Recall over the photos with a hand: what the matcher itself achieves. */
        public double recallWithHand() {
            return withHand == 0 ? 0 : (double) recognised / withHand;
        }
    }

    private TeachEvaluation() {}

    /**
     * @param poses         per pose (the folder's name), its photos
     * @param none          photos of no pose
     * @param examples      recordings taught per pose, each from another photo
     * @param rounds        how many draws of teaching photos
     * @param seed          the draws' seed
     * @param maxRecordings as {@code gesture.maxRecordings}
     */
    public static Report run(
            Map<String, List<Photo>> poses, List<Photo> none, int examples, int rounds, long seed, int maxRecordings) {
        Random random = new Random(seed);
        List<String> names = new ArrayList<>(poses.keySet());
        Map<String, PoseCount> counts = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> confusion = new LinkedHashMap<>();
        names.forEach(p -> {
            counts.put(p, new PoseCount(0, 0, 0));
            confusion.put(p, new TreeMap<>());
        });
        confusion.put("none", new TreeMap<>());
        List<String> wrong = new ArrayList<>();
        int cannedChanged = 0;
        int cannedPhotos = 0;
        int failures = 0;
        for (int round = 0; round < rounds; round++) {
            TaughtGestures taught = TaughtGestures.NONE;
            List<Photo> teachers = new ArrayList<>();
            for (int p = 0; p < names.size(); p++) {
                List<Photo> candidates = new ArrayList<>(poses.get(names.get(p)).stream()
                        .filter(ph -> !ph.teaching().isEmpty())
                        .toList());
                Collections.shuffle(candidates, random);
                for (Photo teacher : candidates.subList(0, Math.min(examples, candidates.size()))) {
                    teachers.add(teacher);
                    int oneHand = (int) teacher.teaching().stream()
                            .filter(a -> a.size() == 1)
                            .count();
                    GestureRecording recording = new GestureRecording(
                            taughtName(p),
                            Math.max(GestureRecording.MIN_FRAMES, Math.min(GestureRecording.MAX_FRAMES, oneHand)),
                            0);
                    teacher.teaching().forEach(recording::offer);
                    try {
                        taught = taught.adding(recording.finish(round), maxRecordings);
                    } catch (GestureRecording.TeachFailure e) {
                        failures++;
                    }
                }
            }
            List<Map.Entry<String, Photo>> labelled = new ArrayList<>();
            poses.forEach((pose, photos) -> photos.forEach(ph -> labelled.add(Map.entry(pose, ph))));
            none.forEach(ph -> labelled.add(Map.entry("none", ph)));
            for (Map.Entry<String, Photo> entry : labelled) {
                String pose = entry.getKey();
                Photo photo = entry.getValue();
                if (teachers.contains(photo)) {
                    continue;
                }
                String own = names.indexOf(pose) >= 0 ? taughtName(names.indexOf(pose)) : null;
                String read = readAs(taught, photo, own);
                String shown = read.startsWith("pose ") ? names.get(Integer.parseInt(read.substring(5))) : read;
                confusion.get(pose).merge(shown, 1, Integer::sum);
                if (own != null) {
                    PoseCount c = counts.get(pose);
                    counts.put(
                            pose,
                            new PoseCount(
                                    c.labelled() + 1,
                                    c.withHand() + (photo.hands().isEmpty() ? 0 : 1),
                                    c.recognised() + (read.equals(own) ? 1 : 0)));
                }
                boolean otherTaught = read.startsWith("pose ") && !read.equals(own);
                boolean hadCanned =
                        photo.canned().stream().anyMatch(l -> !l.equals(Gesture.NONE.label()) && !l.equals(NO_HAND));
                if (otherTaught) {
                    wrong.add(pose + "/" + photo.name() + " → " + shown);
                }
                if (hadCanned) {
                    cannedPhotos++;
                    cannedChanged += otherTaught ? 1 : 0;
                }
            }
        }
        Map<String, Map<String, List<String>>> canned = new LinkedHashMap<>();
        poses.forEach((pose, photos) -> canned.put(pose, cannedOf(photos)));
        if (!none.isEmpty()) {
            canned.put("none", cannedOf(none));
        }
        return new Report(counts, confusion, wrong, cannedChanged, cannedPhotos, failures, canned, examples, rounds);
    }

    /**
     * What a photo reads as: its own pose's taught name if a hand takes it, else another taught name a hand takes,
     * else {@link #NOT_TAUGHT} (or {@link #NO_HAND}).
     */
    private static String readAs(TaughtGestures taught, Photo photo, String own) {
        if (photo.hands().isEmpty()) {
            return NO_HAND;
        }
        String other = null;
        for (HandGesture g : taught.label(photo.hands())) {
            if (g.taught() && g.name().equals(own)) {
                return own;
            }
            if (g.taught()) {
                other = g.name();
            }
        }
        return other != null ? other : NOT_TAUGHT;
    }

    private static Map<String, List<String>> cannedOf(List<Photo> photos) {
        Map<String, List<String>> byPhoto = new TreeMap<>();
        photos.forEach(ph -> byPhoto.put(ph.name(), ph.canned()));
        return byPhoto;
    }

    /** Folder names can be anything (a canned gesture's, too): the taught set names the poses by their place. */
    private static String taughtName(int pose) {
        return "pose " + pose;
    }
}
