using StreamNlp.Models.Encoders;
using StreamNlp.Models.Tokenization;

namespace StreamNlp.UnitTests.Models.Tokenization;

/// <summary>The published encoder's tokenizer, loaded once for every test class that needs one.</summary>
internal static class SharedTokenizer
{
    private static readonly Lazy<TextTokenizer> Shared = new(() =>
    {
        var files = new EncoderCache(EncoderCache.DefaultDirectory).Ensure(EncoderDescriptor.MiniLmL6V2);
        return new TextTokenizer(files.VocabularyPath, files.Descriptor.Uncased);
    });

    public static TextTokenizer Instance => Shared.Value;
}
