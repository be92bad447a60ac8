using System.CommandLine;
using StreamNlp.Cli.Commands;

var root = new RootCommand("StreamNlp: Kafka in, one encoder pass, topic + sentiment + entities, Kafka out.")
{
    RunCommand.Create(),
    BrokerCommand.Create(),
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
root.Options.Add(CommonOptions.Verbose);
var parse = root.Parse(args);
CommandRunner.Verbose = parse.GetValue(CommonOptions.Verbose);
return await parse.InvokeAsync().ConfigureAwait(false);
