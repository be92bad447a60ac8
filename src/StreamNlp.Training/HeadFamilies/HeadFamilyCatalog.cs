using System.Reflection;
using StreamNlp.Core.Tasks;
using StreamNlp.Models.Registry;

namespace StreamNlp.Training.HeadFamilies;

/// <summary>
/// Where the CLI (<c>streamnlp train --head NAME</c>), the training workflow and the retrainer find head families, by
/// name or alias (case-insensitive), and read a manifest's <c>{family, options}</c> back into a <see cref="HeadChoice"/>.
/// <see cref="Default"/> holds every public <see cref="IHeadFamily"/> of the training library: adding a family is adding
/// its folder under <c>HeadFamilies/</c>, nothing else.
/// </summary>
public sealed class HeadFamilyCatalog
{
    private readonly Dictionary<string, IHeadFamily> byName = new(StringComparer.OrdinalIgnoreCase);

    /// <exception cref="ArgumentException">Two families share a name or alias.</exception>
    public HeadFamilyCatalog(IEnumerable<IHeadFamily> families)
    {
        ArgumentNullException.ThrowIfNull(families);
        Families = [.. families.OrderBy(f => f.Name, StringComparer.Ordinal)];
        foreach (var family in Families)
        {
            foreach (var name in family.Aliases.Prepend(family.Name))
            {
                if (!byName.TryAdd(name, family))
                {
                    throw new ArgumentException($"The head families '{byName[name].Name}' and '{family.Name}' both answer to '{name}'.", nameof(families));
                }
            }
        }
    }

    /// <summary>Every family of the training library.</summary>
    public static HeadFamilyCatalog Default { get; } = Discover(typeof(HeadFamilyCatalog).Assembly);

    /// <summary>The families, by name.</summary>
    public IReadOnlyList<IHeadFamily> Families { get; }

    /// <summary>A catalog of every public, concrete <see cref="IHeadFamily"/> of <paramref name="assembly"/> that has a public parameterless constructor.</summary>
    public static HeadFamilyCatalog Discover(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return new HeadFamilyCatalog(assembly.GetExportedTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IHeadFamily).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
            .Select(t => (IHeadFamily)Activator.CreateInstance(t)!));
    }

    /// <summary>The family called <paramref name="name"/> (or with that alias), or null.</summary>
    public IHeadFamily? Find(string name) => byName.GetValueOrDefault(name ?? string.Empty);

    /// <summary>The family called <paramref name="name"/> (or with that alias).</summary>
    /// <exception cref="ArgumentException">No family answers to the name; the message lists them.</exception>
    public IHeadFamily Get(string name) =>
        Find(name) ?? throw new ArgumentException($"There is no head family '{name}'; there are: {string.Join(", ", Families.Select(f => f.Name))}.", nameof(name));

    /// <summary>The families that build heads for <paramref name="task"/>.</summary>
    public IReadOnlyList<IHeadFamily> For(NlpTask task) => [.. Families.Where(f => f.Supports(task))];

    /// <summary>The family of a recorded <c>{family, options}</c> with its typed options.</summary>
    /// <exception cref="ArgumentException">An unknown family, or options it cannot read.</exception>
    public HeadChoice Read(HeadRecipe recipe)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        var family = Get(recipe.Family);
        return new HeadChoice(family, family.ReadOptions(recipe.Options));
    }

    /// <summary>
    /// The family and options a manifest records: its <c>head</c>, or, for a manifest written before head families
    /// (the shipped models among them), its <c>kind</c> string read through <see cref="LegacyHeadKinds"/>.
    /// </summary>
    /// <exception cref="ModelIntegrityException">The manifest names no head, or a family or kind this library does not know.</exception>
    public HeadChoice ChoiceOf(HeadManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        try
        {
            if (manifest.Head is { } recipe)
            {
                return Read(recipe);
            }

            if (manifest.Kind is { } kind)
            {
                var (family, options) = LegacyHeadKinds.Read(kind, manifest.Training?.Settings ?? new Dictionary<string, string>());
                return new HeadChoice(Get(family), options);
            }
        }
        catch (ArgumentException ex)
        {
            throw new ModelIntegrityException($"{manifest.Task} {manifest.Version}: {ex.Message}");
        }

        throw new ModelIntegrityException($"{manifest.Task} {manifest.Version}: the manifest names neither a head family nor a kind.");
    }

    /// <summary>The family and architecture of a manifest's head for listings, e.g. <c>dense mlp-512</c>; what it records when this library cannot read it.</summary>
    public string Describe(HeadManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        try
        {
            return ChoiceOf(manifest).Describe();
        }
        catch (ModelIntegrityException)
        {
            return manifest.Head?.Family ?? manifest.Kind ?? "unknown";
        }
    }
}
