namespace StreamNlp.UnitTests.Deploy;

/// <summary>Kubernetes objects (parsed YAML trees) found by kind and name.</summary>
internal sealed class KubernetesObjects(IEnumerable<object?> documents)
{
    public IReadOnlyList<Dictionary<string, object?>> All { get; } = [.. documents.Select((d, i) => YamlTree.Map(d, $"document {i}"))];

    public static KubernetesObjects FromFolder(string folder) => new(
        Directory.EnumerateFiles(folder, "*.yaml").Where(f => Path.GetFileName(f) != "kustomization.yaml").Order(StringComparer.Ordinal).SelectMany(YamlTree.LoadFile));

    public static string Kind(Dictionary<string, object?> o) => o.GetValueOrDefault("kind") as string ?? string.Empty;

    public static string Name(Dictionary<string, object?> o) => YamlTree.At(o, "metadata.name") as string ?? string.Empty;

    public IEnumerable<Dictionary<string, object?>> OfKind(string kind) => All.Where(o => Kind(o) == kind);

    public Dictionary<string, object?> Get(string kind, string name) =>
        All.SingleOrDefault(o => Kind(o) == kind && Name(o) == name) ?? throw new InvalidDataException($"no {kind} named {name}");

    public bool Has(string kind, string name) => All.Any(o => Kind(o) == kind && Name(o) == name);
}
