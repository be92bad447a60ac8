using System.Globalization;
using System.Text;
using CsCheck;

namespace StreamNlp.Tests.Shared;

/// <summary>
/// CsCheck generators for hostile record values (issue 12): random bytes, random Unicode (lone surrogates,
/// combining marks, NULs, zero-width characters, BOMs, emoji, CRLF) and JSON-shaped text built from a grammar,
/// with <c>"text"</c>/<c>"id"</c> fields sometimes, nesting up to about 80 levels, surrogate escapes
/// (<c>\ud800</c>, reversed and valid pairs) and now and then a syntax error. Compiled into both test projects.
/// </summary>
public static class RecordGenerators
{
    private static readonly string[] Words =
    [
        "Angela Merkel", "Emmanuel Macron", "Paris", "Berlin", "Apple", "Barack Obama", "London", "the", "market", "fell",
        "visited", "is nice", "Beyonce\u0301", "Zu\u0308rich", "Z\u00FCrich", "e\u0301\u0302\u0303", "\u6771\u4EAC",
        "\u041C\u043E\u0441\u043A\u0432\u0430", "\u0645\u0631\u062D\u0628\u0627", "\uFB01nance", "\u2460", "\u00C5ngstr\u00F6m",
    ];

    private static readonly string[] Emoji = ["\U0001F600", "\U0001F44D\U0001F3FD", "\U0001F1EB\U0001F1F7", "\U0001F469\u200D\U0001F469\u200D\U0001F467", "\u2764\uFE0F"];

    private static readonly string[] Invisible = ["\u200B", "\u200C", "\u200D", "\uFEFF", "\u200E", "\u2060", "\u00AD"];

    private static readonly string[] Controls = ["\0", "\r\n", "\n", "\t", "\u0001", "\u001F", "\u007F", "\u0085", "\u2028", "\u2029", "\u00A0", " ", "  "];

    /// <summary>JSON escapes that read as text (valid pairs included) and ones that do not (lone or reversed surrogates).</summary>
    private static readonly string[] TextEscapes =
    [
        "\\u0000", "\\u200b", "\\u200C", "\\u200d", "\\ufeff", "\\u0301", "\\u036F", "\\r\\n", "\\t", "\\/", "\\\"", "\\\\", "\\b", "\\f",
        "\\ud83d\\ude00", "\\uD834\\uDD1E", "\\u00e9", "\\u4e2d",
    ];

    private static readonly string[] SurrogateEscapes = ["\\ud800", "\\udc00", "\\uDBFF", "\\uDFFF", "\\udc00\\ud800", "\\ude00\\ud83d", "\\ud800\\ud800", "\\ud800x"];

    /// <summary>Breaks a JSON string: raw control characters, bad or cut escapes.</summary>
    private static readonly string[] BrokenInString = ["\0", "\r\n", "\t", "\\x", "\\u12", "\\", "\\uZZZZ", "\""];

    /// <summary>A valid (well-formed UTF-16) piece of text.</summary>
    public static readonly Gen<string> TextPiece = Gen.Frequency(
        (8, Gen.OneOf(Words)),
        (3, Gen.Char['\u0300', '\u036F'].Select(c => c.ToString())),
        (2, Gen.OneOf(Emoji)),
        (3, Gen.OneOf(Invisible)),
        (4, Gen.OneOf(Controls)),
        (3, Gen.Char['a', 'z'].Array[1, 12].Select(cs => new string(cs))),
        (2, Gen.Char['\u00A0', '\uD7FF'].Select(c => c.ToString())),
        (1, Gen.Char['\uE000', '\uFFFD'].Select(c => c.ToString())),
        (1, Gen.Int[0x10000, 0x10FFFF].Select(char.ConvertFromUtf32)));

    /// <summary>Random well-formed Unicode text, often with nothing but invisible characters.</summary>
    public static readonly Gen<string> UnicodeText = TextPiece.Array[0, 14].Select(string.Concat);

    /// <summary>Any UTF-16 string, lone and reversed surrogates included.</summary>
    public static readonly Gen<string> AnyUtf16 = Gen.Frequency(
        (3, UnicodeText),
        (2, Gen.Char.Array[0, 40].Select(cs => new string(cs))),
        (2, Gen.Select(UnicodeText, Gen.Char['\uD800', '\uDFFF'], UnicodeText, (a, s, b) => a + s + b)),
        (1, Gen.Select(UnicodeText, UnicodeText, (a, b) => a + "\uDC00\uD800" + b)));

    /// <summary>The body of a JSON string literal (without quotes): text and escapes, now and then a surrogate escape.</summary>
    public static readonly Gen<string> JsonStringBody = Gen.Frequency(
        (12, TextPiece.Select(EscapeForJson)),
        (4, Gen.OneOf(TextEscapes)),
        (2, TextPiece.Select(EscapeAllForJson)),
        (1, Gen.OneOf(SurrogateEscapes)))
        .Array[0, 10].Select(string.Concat);

    /// <summary>A JSON string literal; about one in twenty is broken (a raw control character, a bad escape, a stray quote).</summary>
    public static readonly Gen<string> JsonString = Gen.Frequency(
        (20, JsonStringBody.Select(s => "\"" + s + "\"")),
        (1, Gen.Select(JsonStringBody, Gen.OneOf(BrokenInString), JsonStringBody, (a, broken, b) => "\"" + a + broken + b + "\"")));

    /// <summary>A JSON string literal that is valid JSON and valid text (no surrogate escapes, nothing broken).</summary>
    public static readonly Gen<string> CleanJsonString = Gen.Frequency(
        (6, TextPiece.Select(EscapeForJson)),
        (2, Gen.OneOf(TextEscapes)),
        (1, TextPiece.Select(EscapeAllForJson)))
        .Array[1, 8].Select(parts => "\"" + string.Concat(parts) + "\"");

    public static readonly Gen<string> JsonNumber = Gen.Frequency(
        (6, Gen.Int.Select(i => i.ToString(CultureInfo.InvariantCulture))),
        (3, Gen.Double.Select(d => double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "0")),
        (2, Gen.OneOf("-0", "1e400", "-1E-400", "0.5", "123456789012345678901234567890", "3000000000", "1.0", "2e1")),
        (1, Gen.Frequency((1, Gen.OneOf("01", "+1", "NaN", ".5", "1.", "-", "0x10", "Infinity")), (3, Gen.Const("0")))));

    private static readonly Gen<string> JsonScalar = Gen.Frequency(
        (4, JsonString),
        (3, JsonNumber),
        (2, Gen.OneOf("true", "false", "null")),
        (1, Gen.Frequency((1, Gen.OneOf("tru", "nul", "undefined", "'single'")), (3, Gen.Const("[]")))));

    /// <summary>A JSON value (object, array or scalar) up to four levels deep.</summary>
    public static readonly Gen<string> JsonValue = Gen.Recursive<string>((depth, self) => depth >= 4
        ? JsonScalar
        : Gen.Frequency(
            (5, JsonScalar),
            (1, self.Array[0, 4].Select(items => "[" + string.Join(",", items) + "]")),
            (1, Gen.Select(JsonString, self, (k, v) => k + ":" + v).Array[0, 4].Select(fields => "{" + string.Join(",", fields) + "}"))));

    /// <summary>How deep a value is wrapped: mostly shallow, often around the parser's limit (62), up to 80.</summary>
    public static readonly Gen<int> NestingDepth = Gen.Frequency(
        (4, Gen.Int[0, 3]),
        (2, Gen.Int[58, 66]),
        (1, Gen.Int[0, 80]));

    /// <summary>A <see cref="JsonValue"/> wrapped in <see cref="NestingDepth"/> levels of arrays and objects.</summary>
    public static readonly Gen<string> DeepJsonValue = Gen.Select(NestingDepth, Gen.Bool.Array[80], JsonValue, Wrap);

    /// <summary>A JSON input record: a <c>"text"</c> field most of the time (a string or not), an <c>"id"</c> sometimes, metadata fields.</summary>
    public static readonly Gen<string> JsonRecord = Gen.Select(
        Gen.Frequency(
            (8, JsonString),
            (3, CleanJsonString),
            (1, JsonValue)).Null(0.15),
        Gen.Frequency(
            (4, JsonString),
            (3, JsonNumber),
            (1, Gen.OneOf("null", "true", "[1]", "{}"))).Null(0.5),
        Gen.Select(Gen.Frequency((6, JsonString), (1, Gen.OneOf("\"text\"", "\"id\"", "\"t\\u0065xt\""))), DeepJsonValue, (k, v) => k + ":" + v).Array[0, 4],
        Gen.Int[0, 99],
        Gen.Int[0, 1000],
        ComposeRecord);

    /// <summary>Text placed before a record: nothing, white space, a byte-order mark.</summary>
    private static readonly Gen<string> Prefix = Gen.Frequency((10, Gen.Const("")), (2, Gen.OneOf(" ", "\r\n\t ", "\uFEFF", "\uFEFF\n", "\u200B")));

    /// <summary>JSON-shaped text: mostly records, sometimes any JSON value (arrays, strings, numbers).</summary>
    public static readonly Gen<string> JsonShaped = Gen.Select(Prefix, Gen.Frequency((6, JsonRecord), (1, DeepJsonValue)), (p, v) => p + v);

    /// <summary>A feedback value: an object with a task, text, label or entities, id and source fields, each sometimes wrong.</summary>
    public static readonly Gen<string> FeedbackRecord = Gen.Frequency(
        (1, FeedbackFields(clean: false)),
        (1, FeedbackFields(clean: true)))
        .Select(fields => "{" + string.Join(",", fields) + "}");

    /// <summary>JSON-shaped feedback: mostly feedback objects, sometimes any JSON-shaped value, sometimes cut or mutated.</summary>
    public static readonly Gen<string> FeedbackShaped = Gen.Frequency(
        (8, FeedbackRecord),
        (2, JsonShaped),
        (1, Gen.Select(FeedbackRecord, Gen.Int[0, 1000], (s, cut) => s[..(cut % (s.Length + 1))])));

    /// <summary>Any byte sequence.</summary>
    public static readonly Gen<byte[]> RandomBytes = Gen.Frequency(
        (3, Gen.Byte.Array[0, 200]),
        (1, Gen.Select(JsonShaped, Gen.Int[0, 1000], Gen.Byte, FlipByte)));

    /// <summary>
    /// Random Unicode strings as bytes: strict UTF-8 where the string is well-formed, otherwise either the
    /// encoder's replacement characters or a generalised UTF-8 (WTF-8) that writes lone surrogates as three bytes.
    /// </summary>
    public static readonly Gen<byte[]> UnicodeBytes = Gen.Select(AnyUtf16, Gen.Bool, (s, wtf8) => wtf8 ? Wtf8(s) : Encoding.UTF8.GetBytes(s));

    /// <summary>Input values as they arrive: random bytes, random Unicode, JSON-shaped text.</summary>
    public static readonly Gen<byte[]> InputValue = Gen.Frequency(
        (2, RandomBytes),
        (3, UnicodeBytes),
        (6, JsonShaped.Select(Wtf8)));

    /// <summary>Feedback values as they arrive.</summary>
    public static readonly Gen<byte[]> FeedbackValue = Gen.Frequency(
        (1, RandomBytes),
        (1, UnicodeBytes),
        (6, FeedbackShaped.Select(Wtf8)));

    /// <summary>Escapes what JSON requires (quote, backslash, controls); everything else stays raw, as UTF-16 text.</summary>
    public static string EscapeForJson(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case < ' ':
                    builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return builder.ToString();
    }

    /// <summary>Escapes every non-ASCII UTF-16 unit as <c>\uXXXX</c> (a pair becomes two escapes).</summary>
    public static string EscapeAllForJson(string text)
    {
        var builder = new StringBuilder(text.Length * 6);
        foreach (var c in text)
        {
            if (c is >= ' ' and < '\u007F' and not '"' and not '\\')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
        }

        return builder.ToString();
    }

    /// <summary>UTF-8, except that a lone surrogate is written as its three-byte form (which strict UTF-8 rejects).</summary>
    public static byte[] Wtf8(string text)
    {
        var bytes = new List<byte>(text.Length * 3);
        for (var i = 0; i < text.Length; i++)
        {
            int codePoint = text[i];
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                codePoint = char.ConvertToUtf32(text[i], text[i + 1]);
                i++;
            }

            switch (codePoint)
            {
                case < 0x80:
                    bytes.Add((byte)codePoint);
                    break;
                case < 0x800:
                    bytes.Add((byte)(0xC0 | (codePoint >> 6)));
                    bytes.Add((byte)(0x80 | (codePoint & 0x3F)));
                    break;
                case < 0x10000:
                    bytes.Add((byte)(0xE0 | (codePoint >> 12)));
                    bytes.Add((byte)(0x80 | ((codePoint >> 6) & 0x3F)));
                    bytes.Add((byte)(0x80 | (codePoint & 0x3F)));
                    break;
                default:
                    bytes.Add((byte)(0xF0 | (codePoint >> 18)));
                    bytes.Add((byte)(0x80 | ((codePoint >> 12) & 0x3F)));
                    bytes.Add((byte)(0x80 | ((codePoint >> 6) & 0x3F)));
                    bytes.Add((byte)(0x80 | (codePoint & 0x3F)));
                    break;
            }
        }

        return [.. bytes];
    }

    /// <summary>A short, readable description of a value for failure reports (values can be a megabyte).</summary>
    public static string Describe(byte[]? value)
    {
        if (value is null)
        {
            return "null";
        }

        const int shown = 300;
        var head = value.AsSpan(0, Math.Min(value.Length, shown));
        var text = new StringBuilder();
        foreach (var b in head)
        {
            text.Append(b is >= 0x20 and < 0x7F and not (byte)'\\' ? ((char)b).ToString() : $"\\x{b:X2}");
        }

        return $"{value.Length} bytes: {text}{(value.Length > shown ? "…" : "")}";
    }

    /// <summary>Wraps <paramref name="value"/> in <paramref name="depth"/> arrays or single-field objects.</summary>
    public static string Wrap(int depth, bool[] useArray, string value)
    {
        var builder = new StringBuilder(value.Length + (depth * 8));
        for (var i = 0; i < depth; i++)
        {
            builder.Append(useArray[i % useArray.Length] ? "[" : "{\"k\":");
        }

        builder.Append(value);
        for (var i = depth - 1; i >= 0; i--)
        {
            builder.Append(useArray[i % useArray.Length] ? ']' : '}');
        }

        return builder.ToString();
    }

    private static string ComposeRecord(string? text, string? id, string[] metadata, int mutation, int position)
    {
        var fields = new List<string>(metadata);
        if (text is not null)
        {
            fields.Insert(position % (fields.Count + 1), "\"text\":" + text);
        }

        if (id is not null)
        {
            fields.Insert((position / 7) % (fields.Count + 1), "\"id\":" + id);
        }

        var json = "{" + string.Join(",", fields) + "}";
        return mutation switch
        {
            < 4 => json[..(position % (json.Length + 1))], // cut short
            < 6 => json + (mutation == 4 ? "}" : ",{}"), // trailing garbage
            < 8 => json.Length > 2 ? json.Insert(1, ",") : json, // leading comma
            _ => json,
        };
    }

    /// <summary>The fields of a feedback object, shuffled. Clean ones mostly make usable examples; the others are anything goes.</summary>
    private static Gen<string[]> FeedbackFields(bool clean)
    {
        var goodLabel = Gen.OneOf("\"positive\"", "\"negative\"", "\"sports\"", "\" business \"", "\"PER\"", "\"LOC\"", "\"ORG\"");
        var badLabel = Gen.OneOf("\"\"", "\"  \"", "\"B-PER\"", "\"i-loc\"", "\"\\u200b\"", "1", "null");
        var task = clean
            ? Gen.OneOf("\"ner\"", "\"classification\"", "\"sentiment\"")
            : Gen.Frequency(
                (8, Gen.OneOf("\"ner\"", "\"classification\"", "\"sentiment\"")),
                (1, Gen.OneOf("\"NER\"", "\"summarization\"", "1", "null", "\"\"")),
                (1, JsonString));
        var label = clean
            ? Gen.Frequency((8, goodLabel), (1, badLabel))
            : Gen.Frequency((6, goodLabel), (2, badLabel), (2, JsonString));
        var odd = Gen.OneOf("-1", "3000000000", "-3000000000", "1.5", "\"0\"", "null", "1e2", "9223372036854775808");
        var span = Gen.Frequency(
            (10, Gen.Select(Gen.Int[0, 10], Gen.Int[1, 5], (start, length) => (Start: start.ToString(CultureInfo.InvariantCulture), End: (start + length).ToString(CultureInfo.InvariantCulture)))),
            (2, Gen.Select(Gen.Int[-1, 40], Gen.Int[-1, 40], (start, end) => (Start: start.ToString(CultureInfo.InvariantCulture), End: end.ToString(CultureInfo.InvariantCulture)))),
            (clean ? 0 : 1, Gen.Select(odd, odd, (start, end) => (Start: start, End: end))));
        var entity = Gen.Frequency(
            (8, Gen.Select(span, label, (s, l) => $"{{\"start\":{s.Start},\"end\":{s.End},\"label\":{l}}}")),
            (clean ? 0 : 1, Gen.Select(span, label, (s, l) => $"{{\"start\":{s.Start},\"label\":{l}}}")),
            (clean ? 0 : 1, JsonValue));
        var entities = Gen.Frequency(
            (8, entity.Array[0, clean ? 4 : 3].Select(items => "[" + string.Join(",", items) + "]")),
            (clean ? 0 : 1, JsonValue));
        var text = clean ? CleanJsonString : Gen.Frequency((3, CleanJsonString), (2, JsonString), (1, JsonValue));
        var id = clean
            ? Gen.Frequency((3, CleanJsonString), (2, Gen.Int.Select(i => i.ToString(CultureInfo.InvariantCulture))), (1, Gen.OneOf("[1]", "true", "{}")))
            : Gen.Frequency((3, JsonString), (2, JsonNumber), (1, Gen.OneOf("null", "[1]", "true")));
        var source = clean ? Gen.Frequency((4, CleanJsonString), (1, Gen.OneOf("5", "{}", "null"))) : Gen.Frequency((4, JsonString), (1, Gen.OneOf("null", "5", "{}")));
        var extras = clean
            ? Gen.Select(CleanJsonString, Gen.Int, (k, v) => $"{k}:{v}").Array[0, 1]
            : Gen.Select(JsonString, DeepJsonValue, (k, v) => k + ":" + v).Array[0, 2];
        var optionalField = (string name, Gen<string> value, double absent) =>
            value.Select(v => $"\"{name}\":{v}").Null(absent);

        return Gen.Select(
            optionalField("task", task, clean ? 0 : 0.05),
            optionalField("text", text, clean ? 0 : 0.05),
            optionalField("label", label, 0.3),
            optionalField("entities", entities, 0.3),
            optionalField("id", id, 0.5),
            optionalField("source", source, 0.6),
            extras,
            (t, x, l, e, i, s, extra) => new[] { t, x, l, e, i, s }.OfType<string>().Concat(extra).ToArray())
            .SelectMany(fields => Gen.Shuffle(fields));
    }

    private static byte[] FlipByte(string json, int position, byte value)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        if (bytes.Length > 0)
        {
            bytes[position % bytes.Length] = value;
        }

        return bytes;
    }
}
