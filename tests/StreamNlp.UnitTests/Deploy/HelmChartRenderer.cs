namespace StreamNlp.UnitTests.Deploy;

/// <summary>
/// <c>helm template RELEASE CHART</c> for the chart in <c>deploy/helm/streamnlp</c>, through <see cref="GoTemplateSubset"/>:
/// <c>.Values</c> from values.yaml deep-merged with overrides, <c>.Chart</c> from Chart.yaml, <c>.Release</c>. Returns
/// each rendered manifest file's documents.
/// </summary>
internal static class HelmChartRenderer
{
    public static string ChartDirectory => RepositoryRoot.Combine("deploy", "helm", "streamnlp");

    public static Dictionary<string, List<object?>> Render(string releaseName, Dictionary<string, object?>? overrides = null)
    {
        var chart = YamlTree.Map(YamlTree.LoadFile(Path.Combine(ChartDirectory, "Chart.yaml")).Single(), "Chart.yaml");
        var values = YamlTree.Map(YamlTree.LoadFile(Path.Combine(ChartDirectory, "values.yaml")).Single(), "values.yaml");
        if (overrides is not null)
        {
            Merge(values, overrides);
        }

        var templates = Directory.EnumerateFiles(Path.Combine(ChartDirectory, "templates"))
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".tpl", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        var engine = new GoTemplateSubset(templates.Select(f => (Name(f), File.ReadAllText(f))));
        var dot = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["Values"] = values,
            ["Chart"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["Name"] = chart["name"],
                ["Version"] = chart["version"],
                ["AppVersion"] = chart["appVersion"],
            },
            ["Release"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["Name"] = releaseName,
                ["Namespace"] = "default",
                ["Service"] = "Helm",
            },
        };

        var rendered = new Dictionary<string, List<object?>>(StringComparer.Ordinal);
        foreach (var file in templates.Where(f => !Path.GetFileName(f).StartsWith('_')))
        {
            var text = engine.Render(Name(file), dot);
            try
            {
                rendered[Path.GetFileName(file)] = YamlTree.LoadAll(text);
            }
            catch (YamlDotNet.Core.YamlException ex)
            {
                throw new InvalidDataException($"{Name(file)} rendered to YAML that does not parse: {ex.Message}\n{text}", ex);
            }
        }

        return rendered;
    }

    private static string Name(string file) => $"streamnlp/templates/{Path.GetFileName(file)}";

    private static void Merge(Dictionary<string, object?> target, Dictionary<string, object?> overrides)
    {
        foreach (var (key, value) in overrides)
        {
            if (value is Dictionary<string, object?> inner && target.GetValueOrDefault(key) is Dictionary<string, object?> existing)
            {
                Merge(existing, inner);
            }
            else
            {
                target[key] = value;
            }
        }
    }
}
