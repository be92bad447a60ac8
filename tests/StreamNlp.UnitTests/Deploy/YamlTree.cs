using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace StreamNlp.UnitTests.Deploy;

/// <summary>
/// YAML documents as plain trees: <see cref="Dictionary{TKey, TValue}"/> (string keys), <see cref="List{T}"/>, and typed
/// scalars resolved as Kubernetes and Helm read them (plain <c>true</c>/<c>false</c> → bool, integers → long, decimals →
/// double, <c>null</c>/<c>~</c>/empty → null; quoted scalars stay strings).
/// </summary>
internal static partial class YamlTree
{
    /// <summary>Every non-empty document of a YAML text.</summary>
    public static List<object?> LoadAll(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return [.. stream.Documents.Where(d => d.RootNode is not YamlScalarNode { Value: null or "" }).Select(d => Convert(d.RootNode))];
    }

    public static List<object?> LoadFile(string path)
    {
        try
        {
            return LoadAll(File.ReadAllText(path));
        }
        catch (YamlException ex)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }
    }

    public static Dictionary<string, object?> Map(object? node, string what) =>
        node as Dictionary<string, object?> ?? throw new InvalidDataException($"{what} is not a mapping");

    public static List<object?> List(object? node, string what) =>
        node as List<object?> ?? throw new InvalidDataException($"{what} is not a sequence");

    /// <summary>The value at a dotted path (<c>spec.template.spec</c>), or null when any part is missing.</summary>
    public static object? At(object? node, string path)
    {
        foreach (var part in path.Split('.'))
        {
            if (node is not Dictionary<string, object?> map || !map.TryGetValue(part, out node))
            {
                return null;
            }
        }

        return node;
    }

    private static object? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.ToDictionary(
            c => ((YamlScalarNode)c.Key).Value ?? string.Empty, c => Convert(c.Value), StringComparer.Ordinal),
        YamlSequenceNode seq => seq.Children.Select(Convert).ToList(),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new InvalidDataException($"unsupported YAML node {node.NodeType}"),
    };

    private static object? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? string.Empty;
        if (scalar.Style is not ScalarStyle.Plain)
        {
            return value;
        }

        if (value is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (value is "true" or "True" or "TRUE")
        {
            return true;
        }

        if (value is "false" or "False" or "FALSE")
        {
            return false;
        }

        if (IntegerPattern().IsMatch(value))
        {
            return long.Parse(value, CultureInfo.InvariantCulture);
        }

        if (FloatPattern().IsMatch(value))
        {
            return double.Parse(value, CultureInfo.InvariantCulture);
        }

        return value;
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
