using StreamNlp.Core.Contracts;

namespace StreamNlp.Labeling.Queue;

/// <summary>A review item handed to one annotator, kept from the others until <see cref="ExpiresAt"/>.</summary>
/// <param name="ReviewId">The queue's key of the item (for skipping it); the record's own id is <see cref="ReviewItem.Id"/>.</param>
public sealed record ReviewLease(string ReviewId, ReviewItem Item, DateTimeOffset ExpiresAt);
