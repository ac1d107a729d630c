package io.palmreader.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("CI is recognised however a CI service spells it")
class CiTest {

    @Test
    @DisplayName("true, 1 and yes in any case are CI; unset, empty, false, 0 and no are not")
    void spellings() {
        for (String yes : List.of("true", "TRUE", "True", "1", "yes", "YES", " yes ")) {
            assertTrue(Ci.says(yes), yes);
        }
        for (String no : java.util.Arrays.asList(null, "", "false", "0", "no", "off")) {
            assertFalse(Ci.says(no), String.valueOf(no));
        }
    }
}
