// Java side of the differential test: what java.util.regex answers for each probe.
// Reads JSON lines {"p": PATTERN, "s": SUBJECT, "mode": "full"|"find"} on stdin and writes
// {"match": true|false|"error"|"limit"} per line. No libraries: a minimal JSON reader/writer.
// "limit" means the match did more than LIMIT character reads (a runaway backtrack), so the
// driver can tell it apart from a real answer; PatternSyntaxException and anything else thrown
// by compile or match is "error".
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

public final class RegexOracle {
    static final long LIMIT = 50_000_000L;

    static final class LimitExceeded extends RuntimeException {
        LimitExceeded() { super(null, null, false, false); }
    }

    /** A subject that gives up after LIMIT reads. */
    static final class Counted implements CharSequence {
        final String s;
        long reads;
        Counted(String s) { this.s = s; }
        public char charAt(int i) {
            if (++reads > LIMIT) throw new LimitExceeded();
            return s.charAt(i);
        }
        public int length() { return s.length(); }
        public CharSequence subSequence(int a, int b) { return s.subSequence(a, b); }
        public String toString() { return s; }
    }

    static int pos;

    static Map<String, String> parse(String line) {
        Map<String, String> m = new HashMap<>();
        pos = 0;
        ws(line);
        expect(line, '{');
        ws(line);
        if (line.charAt(pos) == '}') return m;
        for (;;) {
            ws(line);
            String k = str(line);
            ws(line);
            expect(line, ':');
            ws(line);
            String v = str(line);
            m.put(k, v);
            ws(line);
            char c = line.charAt(pos++);
            if (c == '}') return m;
            if (c != ',') throw new IllegalArgumentException("bad JSON");
        }
    }

    static void ws(String s) {
        while (pos < s.length() && " \t\r\n".indexOf(s.charAt(pos)) >= 0) pos++;
    }

    static void expect(String s, char c) {
        if (s.charAt(pos++) != c) throw new IllegalArgumentException("bad JSON");
    }

    static String str(String s) {
        expect(s, '"');
        StringBuilder b = new StringBuilder();
        for (;;) {
            char c = s.charAt(pos++);
            if (c == '"') return b.toString();
            if (c != '\\') { b.append(c); continue; }
            c = s.charAt(pos++);
            switch (c) {
                case 'n': b.append('\n'); break;
                case 't': b.append('\t'); break;
                case 'r': b.append('\r'); break;
                case 'b': b.append('\b'); break;
                case 'f': b.append('\f'); break;
                case 'u':
                    b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                    pos += 4;
                    break;
                default: b.append(c);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        String cachedSrc = null;
        Pattern cached = null;
        String line;
        while ((line = in.readLine()) != null) {
            String answer;
            try {
                Map<String, String> m = parse(line);
                String p = m.get("p"), s = m.get("s"), mode = m.getOrDefault("mode", "full");
                if (p == null || s == null) throw new IllegalArgumentException("missing field");
                if (!p.equals(cachedSrc)) {
                    cachedSrc = p;
                    cached = null;
                    cached = Pattern.compile(p);
                }
                if (cached == null) throw new IllegalArgumentException("bad pattern");
                Counted c = new Counted(s);
                boolean r = mode.equals("find") ? cached.matcher(c).find() : cached.matcher(c).matches();
                answer = r ? "true" : "false";
            } catch (LimitExceeded e) {
                answer = "\"limit\"";
            } catch (Throwable e) {
                answer = "\"error\"";
            }
            // Does the subject hold a code point this JDK's Unicode data leaves unassigned? (PCRE2's
            // Unicode version is newer: the driver does not count such probes' disagreements.)
            boolean unassigned = false;
            try {
                String s = parse(line).get("s");
                for (int i = 0; s != null && i < s.length(); ) {
                    int cp = s.codePointAt(i);
                    if (Character.getType(cp) == Character.UNASSIGNED) { unassigned = true; break; }
                    i += Character.charCount(cp);
                }
            } catch (Throwable e) {
                // no subject: nothing to say
            }
            out.write("{\"match\": " + answer + (unassigned ? ", \"unassigned\": true" : "") + "}\n");
        }
        out.flush();
    }
}
