using System.CommandLine;
using StreamNlp.Cli.Commands;

var root = new RootCommand("StreamNlp: Kafka in, one encoder pass, topic + sentiment + entities, Kafka out.")
{
    RunCommand.Create(),
    ProduceCommand.Create(),
    ConsumeCommand.Create(),
    TrainCommand.Create(),
    EvalCommand.Create(),
    ModelsCommand.Create(),
    RetrainerCommand.Create(),
    LabelCommand.Create(),
    UiCommand.Create(),
    BenchCommand.Create(),
};
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
