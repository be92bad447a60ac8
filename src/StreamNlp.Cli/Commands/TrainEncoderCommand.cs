using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Runtime;
using StreamNlp.Models.Tokenization;
using StreamNlp.Training.EncoderAdaptation;
using StreamNlp.Training.Workflows;

namespace StreamNlp.Cli.Commands;

/// <summary>
/// <c>streamnlp train encoder</c>: fine-tunes the top blocks of the published encoder jointly on the three tasks
/// (<see cref="EncoderAdaptationWorkflow"/>) and writes an adapted encoder definition (<c>encoder.json</c> + the
/// tuned weights) that <c>StreamNlp:Models:Encoder</c>, <c>train --encoder</c> and the benches can select.
/// </summary>
internal static class TrainEncoderCommand
{
    public static Command Create()
    {
        var defaults = new EncoderAdaptationOptions();
        var data = new Option<string>("--data") { Description = "The shared data folder (sentiment/sst2, topic/agnews, ner/conll2003, sentiment/reviews).", Required = true };
        var output = new Option<string>("--out") { Description = "Folder of adapted encoder definitions; the encoder goes to <out>/<name>/.", DefaultValueFactory = _ => Path.Combine("models", "encoders") };
        var name = new Option<string?>("--name") { Description = "The adapted encoder's name (default all-MiniLM-L6-v2-top<k>)." };
        var topBlocks = new Option<int>("--top-blocks") { Description = "How many top transformer blocks to tune.", DefaultValueFactory = _ => defaults.TopBlocks };
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => defaults.Epochs };
        var batchSize = new Option<int>("--batch-size") { Description = "Texts per step (one task per step).", DefaultValueFactory = _ => defaults.BatchSize };
        var learningRate = new Option<float>("--lr") { Description = "Peak AdamW step of the tuned blocks.", DefaultValueFactory = _ => defaults.LearningRate };
        var headLearningRate = new Option<float>("--head-lr") { Description = "AdamW step of the adaptation heads.", DefaultValueFactory = _ => defaults.HeadLearningRate };
        var warmup = new Option<int>("--head-warmup-steps") { Description = "Steps that train the adaptation heads only.", DefaultValueFactory = _ => defaults.HeadWarmupSteps };
        var maxTexts = new Option<int>("--max-texts") { Description = "Most training texts per task (seeded sample); 0 = all.", DefaultValueFactory = _ => defaults.MaxTrainTextsPerTask };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => defaults.Seed };
        var maxTokens = new Option<int>("--max-tokens") { DefaultValueFactory = _ => 256 };
        var cache = new Option<string?>("--cache-dir") { Description = "Encoder and feature cache (default ~/.cache/streamnlp)." };
        var command = new Command("encoder", "Fine-tune the encoder's top blocks jointly on sentiment, topic and NER, and write an adapted encoder.")
        {
            data, output, name, topBlocks, epochs, batchSize, learningRate, headLearningRate, warmup, maxTexts, seed, maxTokens, cache,
        };
        command.SetAction((parse, ct) => CommandRunner.Guard(() =>
        {
            var dataRoot = parse.GetValue(data)!;
            if (!Directory.Exists(dataRoot))
            {
                throw new CliException($"--data: folder not found: {dataRoot}");
            }

            var options = new EncoderAdaptationOptions
            {
                TopBlocks = parse.GetValue(topBlocks),
                Epochs = parse.GetValue(epochs),
                BatchSize = parse.GetValue(batchSize),
                LearningRate = parse.GetValue(learningRate),
                HeadLearningRate = parse.GetValue(headLearningRate),
                HeadWarmupSteps = parse.GetValue(warmup),
                MaxTrainTextsPerTask = parse.GetValue(maxTexts),
                Seed = parse.GetValue(seed),
            };
            if (options.Epochs < 1 || options.BatchSize < 1 || options.LearningRate <= 0 || options.HeadLearningRate <= 0)
            {
                throw new CliException("--epochs and --batch-size must be at least 1, --lr and --head-lr positive.");
            }

            var cacheRoot = parse.GetValue(cache) ?? EncoderCache.DefaultDirectory;
            var files = new EncoderCache(cacheRoot).Ensure(EncoderDescriptor.MiniLmL6V2);
            var sessions = new SessionFactory(new InferenceSettings(ExecutionProvider.Auto), NullLogger.Instance);
            using var encoder = new EncoderSession(files, sessions);
            if (options.TopBlocks < 1 || options.TopBlocks > encoder.Blocks)
            {
                throw new CliException($"--top-blocks must be 1 to {encoder.Blocks}.");
            }

            var tokenizer = new TextTokenizer(files.VocabularyPath, files.Descriptor.Uncased);
            var extractor = new FeatureExtractor(tokenizer, encoder, parse.GetValue(maxTokens), cacheRoot);
            var encoderName = parse.GetValue(name) ?? $"{files.Descriptor.Name}-top{options.TopBlocks}";
            var workflow = new EncoderAdaptationWorkflow(extractor, files, cacheRoot) { Notice = m => Console.Error.WriteLine(m) };
            var started = System.Diagnostics.Stopwatch.StartNew();
            Console.Error.WriteLine($"adapting {files.Descriptor.Version} into '{encoderName}' (frozen bottom by ONNX Runtime on {sessions.ActiveProvider}, tuned blocks managed on the CPU)");
            var outcome = workflow.Run(dataRoot, options, encoderName, parse.GetValue(output)!, new ConsoleProgressBar(), new AdaptationProgressBar(), ct);
            Console.WriteLine($"adaptation heads, dev accuracy before tuning (heads only): {EncoderAdaptationTrainer.Describe(outcome.Result.Before)}");
            Console.WriteLine($"adaptation heads, dev accuracy after tuning:              {EncoderAdaptationTrainer.Describe(outcome.Result.After)}");
            Console.WriteLine($"wrote {outcome.Folder} ({outcome.Definition.TunedBlocks.Count} block(s), encoder {outcome.Files.Descriptor.Version}); " +
                $"training {outcome.Result.Elapsed.TotalMinutes:0.0} min, total {started.Elapsed.TotalMinutes:0.0} min. Retrain the heads on it: streamnlp train --encoder {encoderName} …");
            return Task.FromResult(0);
        }));
        return command;
    }
}
