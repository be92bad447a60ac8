namespace StreamNlp.IntegrationTests.Worker;

/// <summary>Fresh topic and group names for one test, so tests never see each other's records.</summary>
internal sealed record TestTopics(string Input, string Output, string DeadLetter, string Group)
{
    public static TestTopics Fresh()
    {
        var id = Guid.NewGuid().ToString("N")[..12];
        return new TestTopics($"t-{id}-in", $"t-{id}-out", $"t-{id}-dlq", $"g-{id}");
    }
}
