using System.CommandLine;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using StreamNlp.Core.Tasks;
using StreamNlp.Models.Configuration;
using StreamNlp.Models.Encoders;
using StreamNlp.Models.Inference;
using StreamNlp.Models.Registry;
using StreamNlp.Models.Runtime;
using StreamNlp.Models.Segmentation;
using StreamNlp.Training.Data;
using StreamNlp.Training.Evaluation;

namespace StreamNlp.Cli.Commands;

/// <summary>
/// <c>streamnlp eval</c>: scores the current model of a task on a labelled file, through the same
/// inference path the worker uses. With <c>--json</c>, the last line is one JSON object.
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var task = new Option<string>("--task") { Description = "classification, sentiment or ner.", Required = true };
        var data = new Option<string>("--data") { Description = "JSONL {\"text\",\"label\"}, or CoNLL (2 or 4 columns, IOB1/IOB2) for ner.", Required = true };
        var models = CommonOptions.Models();
        var json = new Option<bool>("--json") { Description = "End with one JSON line: task, examples, accuracy and macroF1, or precision, recall and f1." };
        var maxTokens = new Option<int>("--max-tokens") { DefaultValueFactory = _ => 256 };
        var precision = new Option<EncoderPrecision>("--precision")
        {
            Description = "Encoder weights, as StreamNlp:Models:Precision: Fp32, Int8 or Fp16 (default: that setting's default).",
            DefaultValueFactory = _ => new ModelOptions().Precision,
        };
        var encoder = CommonOptions.Encoder();
        var segmentation = CommonOptions.Segmentation();
        var command = new Command("eval", "Score the current model of a task on labelled data.") { task, data, models, json, maxTokens, precision, encoder, segmentation };
        command.SetAction((parse, ct) => CommandRunner.Guard(() =>
        {
            if (!NlpTaskNames.TryParse(parse.GetValue(task), out var nlpTask))
            {
                throw new CliException($"--task '{parse.GetValue(task)}' is not one of classification, sentiment, ner.");
            }

            var file = parse.GetValue(data)!;
            if (!File.Exists(file))
            {
                throw new CliException($"Data file not found: {file}");
            }

            return Task.FromResult(Evaluate(nlpTask, file, parse.GetValue(models), parse.GetValue(json), parse.GetValue(maxTokens), parse.GetValue(precision), parse.GetValue(encoder)!, parse.GetValue(segmentation)));
        }));
        return command;
    }

    private static int Evaluate(NlpTask task, string file, string? models, bool json, int maxTokens, EncoderPrecision precision, string encoderName, TextSegmentation segmentation)
    {
        var registry = ConfiguredRegistry.Open(new ModelOptions { Directory = models });
        using var bundle = ModelBundle.Load(
            registry, new EncoderCache(EncoderCache.DefaultDirectory), new InferenceSettings(Precision: precision) { Encoder = encoderName, Segmentation = segmentation }, NullLogger.Instance, [task]);
        var head = bundle.Heads[task];
        var encoder = bundle.Encoder.Files.Descriptor.Version;
        Console.Error.WriteLine($"evaluating {task.ToName()} {head.Version} from {registry.Root} on {file} (encoder {encoder}, {bundle.Provider}, segmentation {segmentation})");
        var progress = new ConsoleProgressBar();
        Training.Reports.HeadEvaluation evaluation;
        int examples;
        try
        {
            if (task == NlpTask.Ner)
            {
                var sentences = ConllReader.Read(file);
                examples = sentences.Count;
                evaluation = ModelEvaluator.EvaluateNer(bundle, sentences, maxTokens, progress: progress);
            }
            else
            {
                var rows = LabeledTextReader.Read(file);
                examples = rows.Count;
                evaluation = ModelEvaluator.EvaluateSequence(bundle, task, rows, maxTokens, progress: progress);
            }
        }
        catch (InvalidDataException ex)
        {
            throw new CliException(ex.Message);
        }

        Console.WriteLine(evaluation.Text);
        if (json)
        {
            var line = new JsonObject { ["task"] = task.ToName(), ["examples"] = examples, ["version"] = head.Version, ["encoder"] = encoder };
            foreach (var (name, value) in evaluation.Metrics)
            {
                line[name] = value;
            }

            Console.WriteLine(line.ToJsonString());
        }

        return 0;
    }
}
