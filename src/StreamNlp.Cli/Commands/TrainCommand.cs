using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using StreamNlp.Core.Tasks;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Runtime;
using StreamNlp.Models.Tokenization;
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
            Description = "Task network: dense (softmax regression, or an MLP with --hidden), attention (classification, sentiment) or cnn (ner).",
            DefaultValueFactory = _ => "dense",
        };
        var epochs = new Option<int?>("--epochs") { Description = "Most epochs (default 10 for dense heads; the head's own default otherwise)." };
        var hidden = new Option<int[]>("--hidden") { Description = "Hidden layer sizes (none: softmax regression).", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [] };
        var learningRate = new Option<float>("--lr") { DefaultValueFactory = _ => 1e-3f };
        var batchSize = new Option<int>("--batch-size") { DefaultValueFactory = _ => 64 };
        var weightDecay = new Option<float>("--weight-decay") { DefaultValueFactory = _ => 0.01f };
        var dropout = new Option<float?>("--dropout") { Description = "Dropout rate (default 0.1 for dense heads; the head's own default otherwise)." };
        var kernels = new Option<int[]?>("--kernels") { Description = "cnn: kernel size of each convolution layer, e.g. --kernels 3 3.", AllowMultipleArgumentsPerToken = true };
        var channels = new Option<int?>("--channels") { Description = "cnn: channels per convolution layer." };
        var patience = new Option<int>("--patience") { DefaultValueFactory = _ => 3 };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 42 };
        var classWeights = new Option<bool>("--class-weights") { Description = "Weight classes by inverse frequency." };
        var noPromote = new Option<bool>("--no-promote") { Description = "Register the version without making it current." };
        var maxTokens = new Option<int>("--max-tokens") { DefaultValueFactory = _ => 256 };
        var cache = new Option<string?>("--cache-dir") { Description = "Encoder and feature cache (default ~/.cache/streamnlp)." };
        var command = new Command("train", "Train a task head on the frozen encoder and add it to the model registry.")
        {
            task, train, dev, output, head, epochs, hidden, learningRate, batchSize, weightDecay, dropout, patience, seed, classWeights, noPromote, maxTokens, cache, kernels, channels,
        };
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

            var headKind = parse.GetValue(head)?.ToLowerInvariant() switch
            {
                "dense" or "softmax" or "mlp" => HeadKind.Dense,
                "attention" when nlpTask != NlpTask.Ner => HeadKind.Attention,
                "cnn" or "convolutional" when nlpTask == NlpTask.Ner => HeadKind.Convolutional,
                var other => throw new CliException($"--head '{other}' does not fit task {nlpTask.ToName()}: use dense, or attention (classification, sentiment), or cnn (ner)."),
            };
            var options = new DenseClassifierOptions
            {
                Epochs = parse.GetValue(epochs) ?? 10,
                HiddenSizes = parse.GetValue(hidden) ?? [],
                LearningRate = parse.GetValue(learningRate),
                BatchSize = parse.GetValue(batchSize),
                WeightDecay = parse.GetValue(weightDecay),
                Dropout = parse.GetValue(dropout) ?? 0.1f,
                Patience = parse.GetValue(patience),
                Seed = parse.GetValue(seed),
                ClassWeighting = parse.GetValue(classWeights),
            };
            try
            {
                options.Validate();
            }
            catch (ArgumentException ex)
            {
                throw new CliException(ex.Message);
            }

            var attention = new StreamNlp.Training.NeuralNetworks.Attention.AttentionSequenceHeadOptions();
            var convolution = new StreamNlp.Training.NeuralNetworks.Convolution.ConvolutionalTokenHeadOptions();
            if (parse.GetValue(epochs) is { } explicitEpochs)
            {
                attention = attention with { Epochs = explicitEpochs };
                convolution = convolution with { Epochs = explicitEpochs };
            }

            if (parse.GetValue(dropout) is { } explicitDropout)
            {
                attention = attention with { Dropout = explicitDropout };
                convolution = convolution with { Dropout = explicitDropout };
            }

            if (parse.GetValue(kernels) is { Length: > 0 } kernelSizes)
            {
                convolution = convolution with { KernelSizes = kernelSizes };
            }

            if (parse.GetValue(channels) is { } channelCount)
            {
                convolution = convolution with { Channels = channelCount };
            }

            var request = new TrainRequest(nlpTask, parse.GetValue(train)!, parse.GetValue(dev)!, parse.GetValue(output)!, options, !parse.GetValue(noPromote),
                headKind, attention, convolution);
            return Task.FromResult(Train(request, parse.GetValue(maxTokens), parse.GetValue(cache), ct));
        }));
        return command;
    }

    private static int Train(TrainRequest request, int maxTokens, string? cacheDirectory, CancellationToken ct)
    {
        var cacheRoot = cacheDirectory ?? EncoderCache.DefaultDirectory;
        var files = new EncoderCache(cacheRoot).Ensure(EncoderDescriptor.MiniLmL6V2);
        var sessions = new SessionFactory(new InferenceSettings(ExecutionProvider.Auto), NullLogger.Instance);
        using var encoder = new EncoderSession(files, sessions);
        var tokenizer = new TextTokenizer(files.VocabularyPath, files.Descriptor.Uncased);
        var extractor = new FeatureExtractor(tokenizer, encoder, maxTokens, cacheRoot);
        var workflow = new HeadTrainingWorkflow(extractor, files.Descriptor) { Notice = message => Console.Error.WriteLine(message) };
        var total = request.Head switch
        {
            HeadKind.Attention => request.AttentionOptions!.Epochs,
            HeadKind.Convolutional => request.ConvolutionOptions!.Epochs,
            _ => request.Options.Epochs,
        };
        var started = System.Diagnostics.Stopwatch.StartNew();
        Console.Error.WriteLine($"training {request.Task.ToName()} head ({DescribeHead(request)}) on {request.TrainFile}; encoder {files.Descriptor.Version} on {sessions.ActiveProvider}");
        var outcome = workflow.Train(request, new ConsoleProgressBar(), new SynchronousProgress<EpochReport>(e => Console.Error.WriteLine(
            $"epoch {e.Epoch,2}/{total}  train loss {e.TrainLoss:0.0000} acc {e.TrainAccuracy:0.0000}  |  dev loss {e.DevLoss:0.0000} {(request.Task == NlpTask.Ner ? "entity F1" : "accuracy")} {e.DevMetric:0.0000}  ({e.Elapsed.TotalSeconds:0.0} s)")), ct);

        Console.Error.WriteLine();
        Console.Error.WriteLine(outcome.Report);
        var metrics = string.Join(", ", outcome.Manifest.Metrics.Select(m => $"{m.Key} {m.Value:0.0000}"));
        Console.WriteLine($"{request.Task.ToName()} {outcome.Manifest.Version} (best epoch {outcome.BestEpoch}) dev: {metrics}");
        Console.WriteLine($"written to {outcome.VersionDirectory}{(request.Promote ? " (current)" : "")}; total {started.Elapsed.TotalSeconds:0.0} s, encoding included");
        return 0;
    }

    private static string DescribeHead(TrainRequest request) => request.Head switch
    {
        HeadKind.Attention => "attention " + request.AttentionOptions!.Describe(),
        HeadKind.Convolutional => "convolutional",
        _ => request.Options.HiddenSizes.Count(h => h > 0) == 0 ? "softmax regression" : "MLP " + string.Join("-", request.Options.HiddenSizes),
    };
}
