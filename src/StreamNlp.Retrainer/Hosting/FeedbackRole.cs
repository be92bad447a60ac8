namespace StreamNlp.Retrainer.Hosting;

/// <summary>What a retrainer's feedback consumer does with the messages it reads.</summary>
public enum FeedbackRole
{
    /// <summary>In the instance's own group, reading every partition: store every valid example, pass over invalid ones.</summary>
    Store,

    /// <summary>In the group all instances share, so one instance reads each partition: dead-letter every invalid message.</summary>
    DeadLetter,
}
