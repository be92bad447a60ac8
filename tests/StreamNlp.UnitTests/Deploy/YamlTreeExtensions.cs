namespace StreamNlp.UnitTests.Deploy;

/// <summary>Short reads of parsed YAML in assertions.</summary>
internal static class YamlTreeExtensions
{
    /// <summary>The value under <paramref name="key"/> of a mapping node.</summary>
    public static object? As(this object node, string key) => YamlTree.Map(node, key).GetValueOrDefault(key);
}
