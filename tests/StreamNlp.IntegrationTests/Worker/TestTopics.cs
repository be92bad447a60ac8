namespace StreamNlp.IntegrationTests.Worker;

/// <summary>Fresh topic and group names for one test, so tests never see each other's records.</summary>
internal sealed record TestTopics(string Input, string Output, string DeadLetter, string Group, string Feedback, string Models, string Review)
{
    public static TestTopics Fresh()
    {
        var id = Guid.NewGuid().ToString("N")[..12];
        return new TestTopics($"t-{id}-in", $"t-{id}-out", $"t-{id}-dlq", $"g-{id}", $"t-{id}-feedback", $"t-{id}-models", $"t-{id}-review");
    }
}
