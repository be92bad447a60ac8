using StreamNlp.Core.Contracts.Feedback;

namespace StreamNlp.Retrainer.Storage;

/// <summary>
/// A feedback example as kept by <see cref="FeedbackStore"/>. <see cref="RowId"/> grows with every insert or
/// label change, so it orders examples by when their current label arrived. <see cref="Used"/> says whether a
/// retrain has already consumed this label.
/// </summary>
public sealed record StoredFeedback(long RowId, FeedbackExample Example, DateTimeOffset ReceivedAt, bool Used);
