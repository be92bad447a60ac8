using Confluent.Kafka;
using StreamNlp.Worker.Ingestion;

namespace StreamNlp.UnitTests.Worker.Ingestion;

public sealed class PartitionGenerationsTests
{
    private static readonly TopicPartition P0 = new("in", 0);
    private static readonly TopicPartition P1 = new("in", 1);

    [Fact]
    public void IsCurrent_RecordOfRevokedPartition_IsStale()
    {
        var generations = new PartitionGenerations();
        generations.Assigned([P0, P1]);
        var g0 = generations.Current(P0);
        var g1 = generations.Current(P1);

        generations.Revoked([P0]);

        Assert.False(generations.IsCurrent(P0, g0));
        Assert.True(generations.IsCurrent(P1, g1));
    }

    [Fact]
    public void IsCurrent_PartitionRevokedAndAssignedBack_OldRecordsStayStale()
    {
        var generations = new PartitionGenerations();
        generations.Assigned([P0]);
        var old = generations.Current(P0);

        generations.Revoked([P0]);
        generations.Assigned([P0]);

        Assert.False(generations.IsCurrent(P0, old));
        Assert.True(generations.IsCurrent(P0, generations.Current(P0)));
    }

    [Fact]
    public void TakeAssignmentChanged_TrueOnceAfterEachChange()
    {
        var generations = new PartitionGenerations();
        var initially = generations.TakeAssignmentChanged();
        generations.Assigned([P0]);

        Assert.False(initially);
        Assert.True(generations.TakeAssignmentChanged());
        Assert.False(generations.TakeAssignmentChanged());
    }
}
