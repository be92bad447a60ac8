using StreamNlp.Core.Tasks;
using StreamNlp.Retrainer.Configuration;
using StreamNlp.Training.Data;
using StreamNlp.Training.Workflows;

namespace StreamNlp.Retrainer.Challengers.Ner;

/// <summary>The base CoNLL training and dev data of the NER head, when configured (train sentences also in dev left out).</summary>
public sealed record NerBaseData(IReadOnlyList<ConllSentence> Train, IReadOnlyList<ConllSentence> Dev, string TrainFile)
{
    /// <summary>Reads the files <see cref="BaseData.FilesFor"/> names for NER; null when none are configured.</summary>
    public static NerBaseData? Load(RetrainerOptions options)
    {
        if (BaseData.FilesFor(NlpTask.Ner, options) is not { } files)
        {
            return null;
        }

        foreach (var file in new[] { files.Train, files.Dev })
        {
            if (!File.Exists(file))
            {
                throw new FileNotFoundException($"StreamNlp:Retrainer base data for ner not found: {file}", file);
            }
        }

        var dev = ConllReader.Read(files.Dev);
        return new NerBaseData(DevOverlap.Remove(ConllReader.Read(files.Train), dev, out _), dev, files.Train);
    }
}
