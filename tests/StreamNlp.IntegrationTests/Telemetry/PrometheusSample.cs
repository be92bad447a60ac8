using System.Globalization;
using System.Text.RegularExpressions;

namespace StreamNlp.IntegrationTests.Telemetry;

/// <summary>One sample line of the Prometheus text format: <c>name{label="value",…} number</c>.</summary>
internal sealed partial record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public static IReadOnlyList<PrometheusSample> ParseAll(string exposition) =>
        [.. exposition.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(Parse)];

    public static PrometheusSample Parse(string line)
    {
        var brace = line.IndexOf('{', StringComparison.Ordinal);
        var space = line.LastIndexOf(' ');
        var name = brace >= 0 ? line[..brace] : line[..space];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (brace >= 0)
        {
            var end = line.LastIndexOf('}');
            foreach (Match m in LabelPattern().Matches(line[(brace + 1)..end]))
            {
                labels[m.Groups[1].Value] = Regex.Unescape(m.Groups[2].Value);
            }
        }

        return new PrometheusSample(name, labels, double.Parse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture));
    }

    public string Label(string name) => Labels.TryGetValue(name, out var value) ? value : "";

    [GeneratedRegex("""([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)""")]
    private static partial Regex LabelPattern();
}
