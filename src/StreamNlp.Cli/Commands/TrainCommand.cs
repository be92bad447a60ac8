using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using StreamNlp.Core.Tasks;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Runtime;
using StreamNlp.Models.Tokenization;
using StreamNlp.Training.HeadFamilies;
using StreamNlp.Training.NeuralNetworks;
using StreamNlp.Training.Workflows;

namespace StreamNlp.Cli.Commands;

/// <summary>
/// <c>streamnlp train</c>: trains a task head on the frozen encoder, writes it into the registry as
/// a new version (<c>&lt;out&gt;/&lt;task&gt;/vN/</c>) and makes it current.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var task = new Option<string>("--task") { Description = "classification, sentiment or ner.", Required = true };
        var train = new Option<string>("--train") { Description = "Training data: JSONL {\"text\",\"label\"}, or CoNLL for ner.", Required = true };
        var dev = new Option<string>("--dev") { Description = "Dev data, same format: early stopping and the reported metrics.", Required = true };
        var output = new Option<string>("--out") { Description = "Model registry folder to add the new version to.", DefaultValueFactory = _ => "models" };
        var head = new Option<string>("--head")
        {
            Description = "Head family: " + string.Join("; ", HeadFamilyCatalog.Default.Families.Select(f => $"{f.Name} ({f.Summary})")) + ".",
            DefaultValueFactory = _ => "dense",
        };
        var epochs = new Option<int?>("--epochs") { Description = "Most epochs (default: the family's, 10 for dense)." };
        var hidden = new Option<int[]?>("--hidden") { Description = "dense, attention: hidden layer sizes of the classifier (dense default none: softmax regression).", AllowMultipleArgumentsPerToken = true };
        var learningRate = new Option<float?>("--lr") { Description = "AdamW step size (default: the family's, 1e-3)." };
        var batchSize = new Option<int?>("--batch-size") { Description = "Examples per mini-batch (default: the family's, 64; cnn 32)." };
        var weightDecay = new Option<float?>("--weight-decay") { Description = "Decoupled weight decay (default 0.01)." };
        var dropout = new Option<float?>("--dropout") { Description = "Dropout rate (default: the family's, 0.1; cnn 0.5)." };
        var kernels = new Option<int[]?>("--kernels") { Description = "cnn: kernel size of each convolution layer, e.g. --kernels 3 3.", AllowMultipleArgumentsPerToken = true };
        var channels = new Option<int?>("--channels") { Description = "cnn: channels per convolution layer." };
        var patience = new Option<int?>("--patience") { Description = "Epochs without a better dev metric before stopping; 0 never stops (default 3)." };
        var seed = new Option<int?>("--seed") { Description = "Seeds initialisation, shuffling and dropout (default 42)." };
        var classWeights = new Option<bool>("--class-weights") { Description = "Weight classes by inverse frequency." };
        var layers = new Option<int[]?>("--layers")
        {
            Description = "dense, sentence tasks: the encoder layers to pool and concatenate (a layer mix from the one encoder pass), 0 = embeddings … 6 = last_hidden_state, which must be among them; e.g. --layers 0 1 2 3 4 5 6 (default: the last only).",
            AllowMultipleArgumentsPerToken = true,
        };
        var setOptions = new Option<string[]>("--option")
        {
            Description = "Any option of the head family as NAME=VALUE (camelCase name, JSON value), e.g. --option attentionHeads=4 --option decayLearningRate=false; repeatable.",
            AllowMultipleArgumentsPerToken = true,
            DefaultValueFactory = _ => [],
        };
        var noPromote = new Option<bool>("--no-promote") { Description = "Register the version without making it current." };
        var maxTokens = new Option<int>("--max-tokens") { DefaultValueFactory = _ => 256 };
        var cache = new Option<string?>("--cache-dir") { Description = "Encoder and feature cache (default ~/.cache/streamnlp)." };
        var encoder = CommonOptions.Encoder();
        var command = new Command("train", "Train a task head on the frozen encoder and add it to the model registry.")
        {
            task, train, dev, output, head, epochs, hidden, learningRate, batchSize, weightDecay, dropout, patience, seed, classWeights, layers, noPromote, maxTokens, cache, kernels, channels, setOptions, encoder,
        };
        command.Subcommands.Add(TrainEncoderCommand.Create());
        command.SetAction((parse, ct) => CommandRunner.Guard(() =>
        {
            if (!NlpTaskNames.TryParse(parse.GetValue(task), out var nlpTask))
            {
                throw new CliException($"--task '{parse.GetValue(task)}' is not one of classification, sentiment, ner.");
            }

            foreach (var file in new[] { parse.GetValue(train)!, parse.GetValue(dev)! })
            {
                if (!File.Exists(file))
                {
                    throw new CliException($"Data file not found: {file}");
                }
            }

            var family = HeadFamilyCatalog.Default.Find(parse.GetValue(head) ?? string.Empty);
            if (family is null || !family.Supports(nlpTask))
            {
                throw new CliException(
                    $"--head '{parse.GetValue(head)}' does not fit task {nlpTask.ToName()}: use one of {string.Join(", ", HeadFamilyCatalog.Default.For(nlpTask).Select(f => f.Name))}.");
            }

            (string Flag, string Name, object? Value)[] flags =
            [
                ("--epochs", "epochs", parse.GetValue(epochs)),
                ("--batch-size", "batchSize", parse.GetValue(batchSize)),
                ("--lr", "learningRate", parse.GetValue(learningRate)),
                ("--weight-decay", "weightDecay", parse.GetValue(weightDecay)),
                ("--dropout", "dropout", parse.GetValue(dropout)),
                ("--patience", "patience", parse.GetValue(patience)),
                ("--seed", "seed", parse.GetValue(seed)),
                ("--class-weights", "classWeighting", parse.GetValue(classWeights) ? true : null),
                ("--hidden", "hiddenSizes", parse.GetValue(hidden) is { Length: > 0 } hiddenSizes ? hiddenSizes : null),
                ("--kernels", "kernelSizes", parse.GetValue(kernels) is { Length: > 0 } kernelSizes ? kernelSizes : null),
                ("--channels", "channels", parse.GetValue(channels)),
                ("--layers", "encoderLayers", parse.GetValue(layers) is { Length: > 0 } encoderLayers ? encoderLayers : null),
            ];
            var overrides = flags
                .Where(f => f.Value is not null)
                .Select(f => (f.Flag, f.Name, JsonSerializer.SerializeToNode(f.Value, f.Value!.GetType())))
                .Concat((parse.GetValue(setOptions) ?? []).Select(HeadOptionArguments.Parse).Select(o => ("--option", o.Name, o.Value)));

            var request = new TrainRequest(
                nlpTask, parse.GetValue(train)!, parse.GetValue(dev)!, parse.GetValue(output)!, HeadOptionArguments.Apply(family, overrides), !parse.GetValue(noPromote));
            return Task.FromResult(Train(request, parse.GetValue(maxTokens), parse.GetValue(cache), parse.GetValue(encoder)!, ct));
        }));
        return command;
    }

    private static int Train(TrainRequest request, int maxTokens, string? cacheDirectory, string encoderName, CancellationToken ct)
    {
        var cacheRoot = cacheDirectory ?? EncoderCache.DefaultDirectory;
        var files = new EncoderCache(cacheRoot).Ensure(encoderName, EncoderPrecision.Fp32);
        var sessions = new SessionFactory(new InferenceSettings(ExecutionProvider.Auto), NullLogger.Instance);
        using var encoder = new EncoderSession(files, sessions);
        var tokenizer = new TextTokenizer(files.VocabularyPath, files.Descriptor.Uncased);
        var extractor = new FeatureExtractor(tokenizer, encoder, maxTokens, cacheRoot);
        var workflow = new HeadTrainingWorkflow(extractor, files.Descriptor) { Notice = message => Console.Error.WriteLine(message) };
        var total = request.Head.Options.Epochs;
        var started = System.Diagnostics.Stopwatch.StartNew();
        Console.Error.WriteLine($"training {request.Task.ToName()} head ({request.Head.Describe()}) on {request.TrainFile}; encoder {files.Descriptor.Version} on {sessions.ActiveProvider}");
        var outcome = workflow.Train(request, new ConsoleProgressBar(), new SynchronousProgress<EpochReport>(e => Console.Error.WriteLine(
            $"epoch {e.Epoch,2}/{total}  train loss {e.TrainLoss:0.0000} acc {e.TrainAccuracy:0.0000}  |  dev loss {e.DevLoss:0.0000} {(request.Task == NlpTask.Ner ? "entity F1" : "accuracy")} {e.DevMetric:0.0000}  ({e.Elapsed.TotalSeconds:0.0} s)")), ct);

        Console.Error.WriteLine();
        Console.Error.WriteLine(outcome.Report);
        var metrics = string.Join(", ", outcome.Manifest.Metrics.Select(m => $"{m.Key} {m.Value:0.0000}"));
        Console.WriteLine($"{request.Task.ToName()} {outcome.Manifest.Version} (best epoch {outcome.BestEpoch}) dev: {metrics}");
        Console.WriteLine($"written to {outcome.VersionDirectory}{(request.Promote ? " (current)" : "")}; total {started.Elapsed.TotalSeconds:0.0} s, encoding included");
        return 0;
    }
}
