using System.CommandLine;

namespace StreamNlp.Cli.Commands;

/// <summary>Options several commands share.</summary>
internal static class CommonOptions
{
    public static Option<string?> Bootstrap() => new("--bootstrap", "-b")
    {
        Description = "Kafka bootstrap servers. Default: the servers `streamnlp run` wrote to the bootstrap file.",
    };

    public static Option<string> BootstrapFile() => new("--bootstrap-file")
    {
        Description = "File holding the bootstrap servers of a running `streamnlp run`.",
        DefaultValueFactory = _ => BootstrapFileStore.DefaultPath,
    };

    public static Option<string> Topic(string defaultTopic) => new("--topic", "-t")
    {
        Description = $"Topic (default {defaultTopic}).",
        DefaultValueFactory = _ => defaultTopic,
    };

    /// <summary>The shared HTTP endpoint's port (<c>StreamNlp:Http:Port</c>).</summary>
    public static Option<int?> HttpPort() => new("--http-port")
    {
        Description = "Port of the HTTP endpoint (labelling page, /healthz, /readyz, /metrics); 0 turns it off. Default StreamNlp:Http:Port (8080).",
    };

    /// <summary>Errors come with their stack trace (every command; without it, an error is one line).</summary>
    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Print the stack trace of an error (without it an error is one line).",
        Recursive = true,
    };

    public static Option<string?> Models() => new("--models")
    {
        Description = "Model registry folder (<task>/<version>/ + current). Default: ~/.local/share/streamnlp/models, seeded from the models shipped with streamnlp.",
    };

    /// <summary><c>--encoder</c>: the encoder by name, as <c>StreamNlp:Models:Encoder</c>.</summary>
    public static Option<string> Encoder() => new("--encoder")
    {
        Description = $"The encoder, as StreamNlp:Models:Encoder: {StreamNlp.Models.Encoders.EncoderNames.Published} as published, or an adapted encoder of models/encoders/ (default {StreamNlp.Models.Encoders.EncoderNames.Default}).",
        DefaultValueFactory = _ => StreamNlp.Models.Encoders.EncoderNames.Default,
    };

    /// <summary><c>--segmentation</c>: as <c>StreamNlp:Models:Segmentation</c>, Sentences (default) or None.</summary>
    public static Option<StreamNlp.Models.Segmentation.TextSegmentation> Segmentation() => new("--segmentation")
    {
        Description = "How a text is cut into encoder sequences, as StreamNlp:Models:Segmentation: Sentences (each sentence scored, the text's labels combined; default) or None (the whole text as one sequence).",
        DefaultValueFactory = _ => new StreamNlp.Models.Configuration.ModelOptions().Segmentation,
    };

    /// <summary>The fp32 SHA-256 heads trained on encoder <paramref name="name"/> record.</summary>
    public static string EncoderSha256(string name)
    {
        try
        {
            return new StreamNlp.Models.Encoders.EncoderCache(StreamNlp.Models.Encoders.EncoderCache.DefaultDirectory)
                .Ensure(name, StreamNlp.Models.Encoders.EncoderPrecision.Fp32).Descriptor.HeadEncoderSha256;
        }
        catch (ArgumentException ex)
        {
            throw new CliException($"--encoder: {ex.Message}");
        }
    }
}
