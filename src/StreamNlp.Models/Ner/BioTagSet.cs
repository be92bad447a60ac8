namespace StreamNlp.Models.Ner;

/// <summary>
/// An ordered set of BIO labels (<c>O</c>, <c>B-PER</c>, <c>I-PER</c>, ...) as a token head outputs them, with
/// the transitions a well-formed sequence may take: <c>I-X</c> only right after <c>B-X</c> or <c>I-X</c>, and a
/// sentence never starts with <c>I-X</c>. Everything else (<c>O</c>, any <c>B-Y</c>) may follow anything.
/// </summary>
public sealed class BioTagSet
{
    /// <summary>The label of words outside any entity.</summary>
    public const string OutsideLabel = "O";

    private readonly string[] labels;
    private readonly BioTagKind[] kinds;
    private readonly string?[] entityTypes;
    private readonly Dictionary<string, int> indexByLabel;
    private readonly bool[] allowedTransitions;

    /// <summary>Builds a tag set from labels in the order of the model's output.</summary>
    /// <exception cref="ArgumentException">A label is not <c>O</c>, <c>B-TYPE</c> or <c>I-TYPE</c>, a label repeats,
    /// or every label is an <c>I-</c> tag (no sequence could start).</exception>
    public BioTagSet(IEnumerable<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        this.labels = [.. labels];
        if (this.labels.Length == 0)
        {
            throw new ArgumentException("A BIO tag set needs at least one label.", nameof(labels));
        }

        kinds = new BioTagKind[this.labels.Length];
        entityTypes = new string?[this.labels.Length];
        indexByLabel = new Dictionary<string, int>(StringComparer.Ordinal);
        var types = new List<string>();
        for (var i = 0; i < this.labels.Length; i++)
        {
            var label = this.labels[i];
            if (!TryParse(label, out kinds[i], out entityTypes[i]))
            {
                throw new ArgumentException($"'{label}' is not a BIO label (O, B-TYPE or I-TYPE).", nameof(labels));
            }

            if (!indexByLabel.TryAdd(label, i))
            {
                throw new ArgumentException($"The label '{label}' appears twice.", nameof(labels));
            }

            if (entityTypes[i] is { } type && !types.Contains(type, StringComparer.Ordinal))
            {
                types.Add(type);
            }
        }

        if (Array.TrueForAll(kinds, k => k == BioTagKind.Inside))
        {
            throw new ArgumentException("A BIO tag set needs O or a B- label to start a sentence.", nameof(labels));
        }

        EntityTypes = types;
        allowedTransitions = new bool[this.labels.Length * this.labels.Length];
        for (var from = 0; from < this.labels.Length; from++)
        {
            for (var to = 0; to < this.labels.Length; to++)
            {
                allowedTransitions[(from * this.labels.Length) + to] = kinds[to] != BioTagKind.Inside
                    || (kinds[from] != BioTagKind.Outside && string.Equals(entityTypes[from], entityTypes[to], StringComparison.Ordinal));
            }
        }
    }

    /// <summary>Number of labels.</summary>
    public int Count => labels.Length;

    /// <summary>The labels, in output order.</summary>
    public IReadOnlyList<string> Labels => labels;

    /// <summary>The entity types, in order of first appearance.</summary>
    public IReadOnlyList<string> EntityTypes { get; }

    /// <summary>The label at <paramref name="index"/>.</summary>
    public string this[int index] => labels[index];

    /// <summary>
    /// The conventional tag set for <paramref name="entityTypes"/>: <c>O</c>, then <c>B-X</c>, <c>I-X</c> for each type.
    /// </summary>
    public static BioTagSet FromEntityTypes(IEnumerable<string> entityTypes)
    {
        ArgumentNullException.ThrowIfNull(entityTypes);
        var list = new List<string> { OutsideLabel };
        foreach (var type in entityTypes)
        {
            list.Add("B-" + type);
            list.Add("I-" + type);
        }

        return new BioTagSet(list);
    }

    /// <summary>
    /// Splits a BIO label into its kind and entity type. Returns false for anything other than <c>O</c>,
    /// <c>B-TYPE</c> or <c>I-TYPE</c> with a non-empty type.
    /// </summary>
    public static bool TryParse(string? label, out BioTagKind kind, out string? entityType)
    {
        kind = BioTagKind.Outside;
        entityType = null;
        if (label is null)
        {
            return false;
        }

        if (label == OutsideLabel)
        {
            return true;
        }

        if (label.Length < 3 || label[1] != '-')
        {
            return false;
        }

        switch (label[0])
        {
            case 'B':
                kind = BioTagKind.Begin;
                break;
            case 'I':
                kind = BioTagKind.Inside;
                break;
            default:
                return false;
        }

        entityType = label[2..];
        return true;
    }

    /// <summary>The index of <paramref name="label"/>, or -1 when the set lacks it.</summary>
    public int IndexOf(string label) => indexByLabel.TryGetValue(label, out var index) ? index : -1;

    /// <summary>The role of the label at <paramref name="index"/>.</summary>
    public BioTagKind KindOf(int index) => kinds[index];

    /// <summary>The entity type of the label at <paramref name="index"/>; null for <c>O</c>.</summary>
    public string? EntityTypeOf(int index) => entityTypes[index];

    /// <summary>Whether a sentence may start with the label at <paramref name="index"/> (anything but <c>I-X</c>).</summary>
    public bool CanStart(int index) => kinds[index] != BioTagKind.Inside;

    /// <summary>Whether the label <paramref name="to"/> may directly follow the label <paramref name="from"/>.</summary>
    public bool IsAllowed(int from, int to) => allowedTransitions[(from * labels.Length) + to];

    /// <summary>Whether <paramref name="tags"/> is a sequence this set allows (valid start and every transition).</summary>
    public bool IsValidSequence(ReadOnlySpan<int> tags)
    {
        for (var i = 0; i < tags.Length; i++)
        {
            if ((uint)tags[i] >= (uint)labels.Length)
            {
                return false;
            }

            if (i == 0 ? !CanStart(tags[i]) : !IsAllowed(tags[i - 1], tags[i]))
            {
                return false;
            }
        }

        return true;
    }
}
