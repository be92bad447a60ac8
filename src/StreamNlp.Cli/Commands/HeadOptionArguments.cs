using System.Text.Json;
using System.Text.Json.Nodes;
using StreamNlp.Training.HeadFamilies;

namespace StreamNlp.Cli.Commands;

/// <summary>
/// Turns <c>streamnlp train</c>'s head flags into a family's typed options: the family's defaults as JSON, each flag
/// given on the command line written over its option, then read back (and validated) by the family. A flag the family
/// has no option for is an error naming the family's options.
/// </summary>
internal static class HeadOptionArguments
{
    /// <summary>Splits <c>NAME=VALUE</c>; the value is JSON when it parses as JSON, else a string.</summary>
    public static (string Name, JsonNode? Value) Parse(string assignment)
    {
        var equals = assignment.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new CliException($"--option '{assignment}' is not NAME=VALUE.");
        }

        var text = assignment[(equals + 1)..];
        JsonNode? value;
        try
        {
            value = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            value = JsonValue.Create(text);
        }

        return (assignment[..equals], value);
    }

    /// <summary>The family's options: its defaults with <paramref name="overrides"/> (flag, option name, JSON value) applied in order.</summary>
    public static HeadChoice Apply(IHeadFamily family, IEnumerable<(string Flag, string Name, JsonNode? Value)> overrides)
    {
        var options = JsonSerializer.SerializeToNode(family.WriteOptions(family.DefaultOptions()))!.AsObject();
        foreach (var (flag, name, value) in overrides)
        {
            if (!options.ContainsKey(name))
            {
                throw new CliException($"{flag}: the head family '{family.Name}' has no option '{name}'; it has {string.Join(", ", options.Select(o => o.Key))}.");
            }

            options[name] = value?.DeepClone();
        }

        try
        {
            var typed = family.ReadOptions(JsonSerializer.SerializeToElement(options));
            typed.Validate();
            return new HeadChoice(family, typed);
        }
        catch (ArgumentException ex)
        {
            throw new CliException(ex.Message);
        }
    }
}
