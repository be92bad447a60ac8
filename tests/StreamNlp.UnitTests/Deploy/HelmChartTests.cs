using System.Globalization;

namespace StreamNlp.UnitTests.Deploy;

/// <summary>
/// The chart in <c>deploy/helm/streamnlp</c>, rendered by <see cref="GoTemplateSubset"/> (no helm binary here): it renders,
/// every document parses, it renders exactly the objects in <c>deploy/k8s</c> (equal field by field, Helm's own labels
/// aside), and its guards hold.
/// </summary>
public sealed class HelmChartTests
{
    private static readonly string[] HelmOnlyLabels = ["helm.sh/chart", "app.kubernetes.io/managed-by", "app.kubernetes.io/version"];

    [Fact]
    public void ChartAndValues_Parse()
    {
        var chart = YamlTree.Map(YamlTree.LoadFile(Path.Combine(HelmChartRenderer.ChartDirectory, "Chart.yaml")).Single(), "Chart.yaml");

        Assert.Equal("v2", chart["apiVersion"]);
        Assert.Equal("streamnlp", chart["name"]);
        Assert.IsType<string>(chart["appVersion"]);
        Assert.IsType<Dictionary<string, object?>>(YamlTree.LoadFile(Path.Combine(HelmChartRenderer.ChartDirectory, "values.yaml")).Single());
    }

    [Fact]
    public void Render_DefaultValues_GivesTheObjectsOfDeployK8s()
    {
        var rendered = KubernetesManifestTests.Load("helm").All.Select(Normalize).ToList();
        var manifests = KubernetesManifestTests.Load("k8s").All.Select(Normalize).ToList();

        Assert.Equal(Keys(manifests), Keys(rendered));
        foreach (var manifest in manifests)
        {
            var twin = rendered.Single(r => Key(r) == Key(manifest));
            var difference = FirstDifference(manifest, twin, Key(manifest));
            Assert.True(difference is null, $"chart and deploy/k8s differ at {difference}");
        }
    }

    [Fact]
    public void Render_AddsHelmLabelsNamedAfterTheChart()
    {
        var worker = KubernetesManifestTests.Load("helm").Get("Deployment", "streamnlp-worker");

        Assert.Equal("streamnlp-0.1.0", YamlTree.At(worker, "metadata.labels")!.As("helm.sh/chart"));
        Assert.Equal("Helm", YamlTree.At(worker, "metadata.labels")!.As("app.kubernetes.io/managed-by"));
    }

    [Fact]
    public void Render_OtherReleaseName_PrefixesEveryObjectAndReference()
    {
        var objects = new KubernetesObjects(HelmChartRenderer.Render("prod").Values.SelectMany(d => d));

        Assert.All(objects.All, o => Assert.StartsWith("prod-streamnlp-", KubernetesObjects.Name(o), StringComparison.Ordinal));
        Assert.Equal("prod-streamnlp-worker", YamlTree.At(objects.Get("ScaledObject", "prod-streamnlp-worker"), "spec.scaleTargetRef.name"));
        Assert.Equal("prod", YamlTree.At(objects.Get("Service", "prod-streamnlp-worker"), "spec.selector")!.As("app.kubernetes.io/instance"));
    }

    [Fact]
    public void Render_MaxReplicasAbovePartitions_FailsNamingBoth()
    {
        var overrides = Values("worker", Values("autoscaling", Values("maxReplicas", 6L)));

        var error = Assert.Throws<GoTemplateFailException>(() => HelmChartRenderer.Render("streamnlp", overrides));

        Assert.Contains("worker.autoscaling.maxReplicas (6) must not exceed kafka.partitions (4)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_MorePartitions_AllowsMoreReplicasAndWritesThePartitionSetting()
    {
        var overrides = Values("worker", Values("autoscaling", Values("maxReplicas", 12L)));
        overrides["kafka"] = Values("partitions", 12L);

        var objects = new KubernetesObjects(HelmChartRenderer.Render("streamnlp", overrides).Values.SelectMany(d => d));

        Assert.Equal(12L, YamlTree.At(objects.Get("ScaledObject", "streamnlp-worker"), "spec.maxReplicaCount"));
        Assert.Equal("12", YamlTree.At(objects.Get("ConfigMap", "streamnlp-config"), "data")!.As("StreamNlp__Kafka__Partitions"));
    }

    [Fact]
    public void Render_ExistingSecret_CreatesNoSecretAndEveryReferenceUsesIt()
    {
        var overrides = Values("kafka", Values("sasl", Values("existingSecret", "kafka-credentials")));

        var objects = new KubernetesObjects(HelmChartRenderer.Render("streamnlp", overrides).Values.SelectMany(d => d));

        Assert.Empty(objects.OfKind("Secret"));
        var worker = objects.Get("Deployment", "streamnlp-worker");
        Assert.Contains("secretName: kafka-credentials", new YamlDotNet.Serialization.Serializer().Serialize(worker), StringComparison.Ordinal);
        Assert.DoesNotContain("streamnlp-kafka-sasl", new YamlDotNet.Serialization.Serializer().Serialize(objects.All), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_AutoscalingOff_LeavesOutKeda()
    {
        var objects = new KubernetesObjects(HelmChartRenderer.Render("streamnlp", Values("worker", Values("autoscaling", Values("enabled", false)))).Values.SelectMany(d => d));

        Assert.Empty(objects.OfKind("ScaledObject"));
        Assert.Empty(objects.OfKind("TriggerAuthentication"));
        Assert.NotEmpty(objects.OfKind("Deployment"));
    }

    [Fact]
    public void Renderer_TemplateOutsideTheSubset_IsAnErrorNotAGuess()
    {
        var engine = new GoTemplateSubset([("t", "{{ .Values.x | b64enc }}")]);

        Assert.Throws<NotSupportedException>(() => engine.Render("t", new Dictionary<string, object?> { ["Values"] = new Dictionary<string, object?> { ["x"] = "a" } }));
    }

    [Fact]
    public void Renderer_TrimsAndBranchesAsGoDoes()
    {
        var engine = new GoTemplateSubset([("t", "a:\n  {{- if .on }}\n  b: {{ .n | quote }}\n  {{- else }}\n  c: 1\n  {{- end }}\n{{- range $k, $v := .m }}\n{{ $k }}={{ $v }}\n{{- end }}")]);
        var dot = new Dictionary<string, object?>
        {
            ["on"] = true,
            ["n"] = 4L,
            ["m"] = new Dictionary<string, object?> { ["z"] = "1", ["a"] = "2" },
        };

        Assert.Equal("a:\n  b: \"4\"\na=2\nz=1", engine.Render("t", dot));
        dot["on"] = false;
        Assert.Equal("a:\n  c: 1\na=2\nz=1", engine.Render("t", dot));
    }

    private static Dictionary<string, object?> Values(string key, object? value) => new(StringComparer.Ordinal) { [key] = value };

    private static string Key(Dictionary<string, object?> o) => $"{KubernetesObjects.Kind(o)}/{KubernetesObjects.Name(o)}";

    private static List<string> Keys(IEnumerable<Dictionary<string, object?>> objects) => [.. objects.Select(Key).Order(StringComparer.Ordinal)];

    /// <summary>The object without the labels only Helm adds (chart, managed-by, version).</summary>
    private static Dictionary<string, object?> Normalize(Dictionary<string, object?> o)
    {
        if (YamlTree.At(o, "metadata.labels") is Dictionary<string, object?> labels)
        {
            foreach (var label in HelmOnlyLabels)
            {
                labels.Remove(label);
            }
        }

        return o;
    }

    private static string? FirstDifference(object? expected, object? actual, string path)
    {
        switch (expected, actual)
        {
            case (Dictionary<string, object?> e, Dictionary<string, object?> a):
                foreach (var key in e.Keys.Union(a.Keys, StringComparer.Ordinal))
                {
                    if (!e.ContainsKey(key) || !a.ContainsKey(key))
                    {
                        return $"{path}.{key} (only in {(e.ContainsKey(key) ? "deploy/k8s" : "the chart")})";
                    }

                    if (FirstDifference(e[key], a[key], $"{path}.{key}") is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            case (List<object?> e, List<object?> a):
                if (e.Count != a.Count)
                {
                    return $"{path} ({e.Count} items in deploy/k8s, {a.Count} in the chart)";
                }

                for (var i = 0; i < e.Count; i++)
                {
                    if (FirstDifference(e[i], a[i], $"{path}[{i}]") is { } inner)
                    {
                        return inner;
                    }
                }

                return null;
            default:
                return Equals(expected, actual) ? null
                    : $"{path}: deploy/k8s {Describe(expected)}, chart {Describe(actual)}";
        }
    }

    private static string Describe(object? value) => value is null ? "null" : $"{Convert.ToString(value, CultureInfo.InvariantCulture)} ({value.GetType().Name})";
}
