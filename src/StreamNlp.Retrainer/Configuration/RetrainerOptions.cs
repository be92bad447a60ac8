using System.ComponentModel.DataAnnotations;

namespace StreamNlp.Retrainer.Configuration;

/// <summary>Retraining settings, section <c>StreamNlp:Retrainer</c>.</summary>
public sealed class RetrainerOptions
{
    public const string Section = "StreamNlp:Retrainer";

    /// <summary>Run the retrainer inside <c>streamnlp run</c>. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Base name of the retrainer's consumer groups. Default <c>streamnlp-retrainer</c>. Each instance reads the
    /// feedback topic in a group of its own, <c>&lt;GroupId&gt;-&lt;instance id&gt;</c> (so every instance stores every
    /// label), and all instances share the lease group <c>&lt;GroupId&gt;-lease</c> on <see cref="LeaseTopic"/>.
    /// </summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "StreamNlp:Retrainer:GroupId is required.")]
    public string GroupId { get; set; } = "streamnlp-retrainer";

    /// <summary>
    /// Topic whose partition 0 is the retrainer lease: the instance assigned it in the lease group is the one that
    /// retrains and publishes. It carries no records; created with one partition where topics are created.
    /// Default <c>nlp.retrainer.lease</c>.
    /// </summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "StreamNlp:Retrainer:LeaseTopic is required.")]
    public string LeaseTopic { get; set; } = "nlp.retrainer.lease";

    /// <summary>SQLite file of accepted feedback and retrain history. Default <c>~/.local/share/streamnlp/feedback.db</c>.</summary>
    public string? DatabasePath { get; set; }

    /// <summary>Retrain a task once this many new (unused) labels arrived. Default 200 (<c>--retrain-min-labels</c>).</summary>
    [Range(1, 10_000_000, ErrorMessage = "StreamNlp:Retrainer:MinLabels must be between {1} and {2}.")]
    public int MinLabels { get; set; } = 200;

    /// <summary>Also retrain when the oldest unused label is this old, however few there are. Default 3,600 s.</summary>
    [Range(1, 31_536_000, ErrorMessage = "StreamNlp:Retrainer:MaxWaitSeconds must be between {1} and {2}.")]
    public int MaxWaitSeconds { get; set; } = 3600;

    /// <summary>Share of the feedback held out (by a hash of the text) to compare champion and challenger. Default 0.2.</summary>
    [Range(0.05, 0.5, ErrorMessage = "StreamNlp:Retrainer:HoldoutFraction must be between {1} and {2}.")]
    public double HoldoutFraction { get; set; } = 0.2;

    /// <summary>How much better than the champion the challenger must be on the held-out feedback. Default 0.02.</summary>
    [Range(0.0, 1.0, ErrorMessage = "StreamNlp:Retrainer:MinImprovement must be between {1} and {2}.")]
    public double MinImprovement { get; set; } = 0.02;

    /// <summary>
    /// Largest p-value of a one-sided sign test over the held-out examples on which exactly one of the
    /// two models is right; guards against promoting noise. 1 disables it. Default 0.05.
    /// </summary>
    [Range(0.0, 1.0, ErrorMessage = "StreamNlp:Retrainer:Significance must be between {1} and {2}.")]
    public double Significance { get; set; } = 0.05;

    /// <summary>How much worse than the champion the challenger may be on the base dev data. Default 0.01.</summary>
    [Range(0.0, 1.0, ErrorMessage = "StreamNlp:Retrainer:Tolerance must be between {1} and {2}.")]
    public double Tolerance { get; set; } = 0.01;

    /// <summary>How often the retrainer checks whether a task is due, in seconds. Default 2.</summary>
    [Range(0.1, 3600, ErrorMessage = "StreamNlp:Retrainer:CheckIntervalSeconds must be between {1} and {2}.")]
    public double CheckIntervalSeconds { get; set; } = 2;

    /// <summary>How a challenger is built (<c>Adapter</c>, <c>Weighted</c>, <c>Replay</c>). Default <c>Adapter</c>.</summary>
    public Challengers.Strategies.RetrainStrategy Strategy { get; set; } = Challengers.Strategies.RetrainStrategy.Adapter;

    /// <summary>Share of the training loss the feedback carries against the replayed base data (Adapter, Weighted). Default 0.5.</summary>
    [Range(0.05, 0.95, ErrorMessage = "StreamNlp:Retrainer:FeedbackShare must be between {1} and {2}.")]
    public double FeedbackShare { get; set; } = 0.5;

    /// <summary>
    /// L2 penalty on the sentence-task adapter's weights (Adapter; topic and sentiment). Default 0.03: chosen on the review dev sets once feedback texts were
    /// read by sentences (0.003 had been chosen on whole texts; docs/FEEDBACK-LEARNING.md, docs/SEGMENTATION.md).
    /// </summary>
    [Range(0.0, 10.0, ErrorMessage = "StreamNlp:Retrainer:AdapterL2 must be between {1} and {2}.")]
    public double AdapterL2 { get; set; } = 3e-2;

    /// <summary>
    /// L2 penalty on the NER token adapter's weights (Adapter). Default 0.003: with 500 lower-cased CoNLL sentences, 0.003
    /// was promoted (CoNLL valid F1 −0.6, lower-cased +3.4) while 0.03 lost 1.6 on CoNLL valid and was refused.
    /// </summary>
    [Range(0.0, 10.0, ErrorMessage = "StreamNlp:Retrainer:TokenAdapterL2 must be between {1} and {2}.")]
    public double TokenAdapterL2 { get; set; } = 3e-3;

    /// <summary>Training rows (sentences for NER) of a replay set drawn from <see cref="BaseData"/> or <see cref="BaseDataDirectory"/>. Default 4,000.</summary>
    [Range(100, 1_000_000, ErrorMessage = "StreamNlp:Retrainer:ReplayTrainRows must be between {1} and {2}.")]
    public int ReplayTrainRows { get; set; } = Training.Replay.ReplaySet.DefaultTrainRows;

    /// <summary>Dev rows of a replay set drawn from base data: the forgetting check. Default 1,000.</summary>
    [Range(50, 1_000_000, ErrorMessage = "StreamNlp:Retrainer:ReplayDevRows must be between {1} and {2}.")]
    public int ReplayDevRows { get; set; } = Training.Replay.ReplaySet.DefaultDevRows;

    /// <summary>
    /// Base training and dev data per task: overrides the replay set the champion carries; a replay set of
    /// <see cref="ReplayTrainRows"/> and <see cref="ReplayDevRows"/> is drawn from it.
    /// </summary>
    public Dictionary<string, BaseDataOptions> BaseData { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A folder laid out like the project's labelled data (<c>topic/agnews/{train,dev}.jsonl</c>,
    /// <c>sentiment/sst2/{train,dev}.jsonl</c>, <c>ner/conll2003/{train,valid}.txt</c>); fills in the
    /// tasks <see cref="BaseData"/> does not name (<c>--base-data</c>).
    /// </summary>
    public string? BaseDataDirectory { get; set; }
}
