using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace StreamNlp.Models.Tokenization;

/// <summary>
/// Canonical (NFD) and compatibility (NFKD) decompositions of single code points. Every project runs under
/// <c>InvariantGlobalization</c>, where <see cref="string.Normalize()"/> returns non-ASCII text unchanged (so
/// the BERT tokenizer's own NFD never decomposed a composed "ü"); and decomposing one character at a time
/// is what lets <see cref="TextNormalizer"/> know which original character each normalized one came from.
/// The data is <c>UnicodeDecompositions.txt</c> (embedded), derived from the Unicode Character Database;
/// Hangul syllables are decomposed algorithmically.
/// </summary>
internal static class UnicodeDecompositions
{
    private const int HangulFirst = 0xAC00;
    private const int HangulCount = 11172;
    private const int JamoLeadFirst = 0x1100;
    private const int JamoVowelFirst = 0x1161;
    private const int JamoTrailFirst = 0x11A7;
    private const int JamoVowelCount = 21;
    private const int JamoTrailCount = 28;

    private static readonly Lazy<(FrozenDictionary<int, string> Canonical, FrozenDictionary<int, string> Compatibility)> Data = new(Load);

    /// <summary>Code points that have a compatibility decomposition different from their canonical one.</summary>
    public static IEnumerable<int> CompatibilityCodePoints => Data.Value.Compatibility.Keys;

    /// <summary>The full canonical decomposition (NFD) of <paramref name="rune"/>, when it has one.</summary>
    public static bool TryGetCanonical(Rune rune, [NotNullWhen(true)] out string? decomposition)
    {
        if (rune.Value < 0xC0)
        {
            decomposition = null;
            return false;
        }

        var syllable = rune.Value - HangulFirst;
        if (syllable is >= 0 and < HangulCount)
        {
            decomposition = DecomposeHangul(syllable);
            return true;
        }

        return Data.Value.Canonical.TryGetValue(rune.Value, out decomposition);
    }

    /// <summary>
    /// The full compatibility decomposition (NFKD) of <paramref name="rune"/>, when it differs from the
    /// canonical one (fullwidth letters, ligatures, circled digits, superscripts…).
    /// </summary>
    public static bool TryGetCompatibility(Rune rune, [NotNullWhen(true)] out string? decomposition)
    {
        if (rune.Value < 0xA0)
        {
            decomposition = null;
            return false;
        }

        return Data.Value.Compatibility.TryGetValue(rune.Value, out decomposition);
    }

    private static string DecomposeHangul(int syllable)
    {
        var lead = (char)(JamoLeadFirst + (syllable / (JamoVowelCount * JamoTrailCount)));
        var vowel = (char)(JamoVowelFirst + (syllable % (JamoVowelCount * JamoTrailCount) / JamoTrailCount));
        var trail = syllable % JamoTrailCount;
        return trail == 0 ? string.Concat(lead, vowel) : string.Concat(lead, vowel, (char)(JamoTrailFirst + trail));
    }

    private static (FrozenDictionary<int, string> Canonical, FrozenDictionary<int, string> Compatibility) Load()
    {
        const string name = "StreamNlp.Models.Tokenization.UnicodeDecompositions.txt";
        using var stream = typeof(UnicodeDecompositions).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded resource {name} is missing.");
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var canonical = new Dictionary<int, string>();
        var compatibility = new Dictionary<int, string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            // "<code point> C|K <code point> <code point>…", hexadecimal.
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var builder = new StringBuilder(fields.Length * 2);
            for (var i = 2; i < fields.Length; i++)
            {
                builder.Append(new Rune(int.Parse(fields[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)).ToString());
            }

            var codePoint = int.Parse(fields[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
            (fields[1] == "C" ? canonical : compatibility)[codePoint] = builder.ToString();
        }

        return (canonical.ToFrozenDictionary(), compatibility.ToFrozenDictionary());
    }
}
