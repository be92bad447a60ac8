using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamNlp.Core.Contracts.Feedback;
using StreamNlp.Core.Tasks;
using StreamNlp.Labeling.Configuration;
using StreamNlp.Labeling.History;
using StreamNlp.Labeling.Publishing;
using StreamNlp.Labeling.Queue;

namespace StreamNlp.Labeling.Api;

/// <summary>The handlers of the labelling API (mapped by <see cref="LabelingModule"/>).</summary>
public sealed class LabelingEndpoints(
    ReviewQueue queue,
    FeedbackPublisher publisher,
    ModelHistory history,
    IOptions<LabelingOptions> options,
    ILogger<LabelingEndpoints> logger)
{
    public const int MaxLimit = 50;

    /// <summary><c>GET /api/review?task=T&amp;limit=N</c>: items leased to the caller (its own leases first, renewed).</summary>
    public IResult GetReview(
        [FromHeader(Name = AnnotatorName.Header)] string? annotator,
        [FromQuery] string? task,
        [FromQuery] int? limit)
    {
        if (!AnnotatorName.TryRead(annotator, out var name, out var annotatorError))
        {
            return Invalid(AnnotatorName.Header, annotatorError);
        }

        NlpTask? wanted = null;
        if (!string.IsNullOrWhiteSpace(task))
        {
            if (!NlpTaskNames.TryParse(task, out var parsed))
            {
                return Invalid("task", $"task \"{task}\" is unknown; expected \"classification\", \"sentiment\" or \"ner\"");
            }

            wanted = parsed;
        }

        var count = limit ?? 1;
        if (count is < 1 or > MaxLimit)
        {
            return Invalid("limit", $"limit must be between 1 and {MaxLimit}; got {count}");
        }

        var leases = queue.Lease(wanted, count, name);
        return TypedResults.Ok(new ReviewItemsView([.. leases.Select(View)], queue.Count));
    }

    /// <summary><c>POST /api/feedback</c>: validated like the topic's messages, published, 202 once Kafka acknowledged it.</summary>
    public async Task<IResult> PostFeedback(
        HttpRequest request,
        [FromHeader(Name = AnnotatorName.Header)] string? annotator,
        CancellationToken cancellationToken)
    {
        if (!AnnotatorName.TryRead(annotator, out var name, out var annotatorError))
        {
            return Invalid(AnnotatorName.Header, annotatorError);
        }

        var maxBytes = options.Value.MaxBodyBytes;
        var body = await ReadBodyAsync(request, maxBytes, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return Rejected(FeedbackErrors.Oversize, FeedbackProblemFields.Body, $"the body is larger than {maxBytes} bytes (StreamNlp:Labeling:MaxBodyBytes)");
        }

        var parsed = FeedbackParser.Parse(body, maxBytes);
        if (!parsed.IsValid)
        {
            return Rejected(parsed.ErrorCode!, FeedbackProblemFields.For(parsed.ErrorCode!, parsed.ErrorDetail), parsed.ErrorDetail ?? parsed.ErrorCode!);
        }

        var example = parsed.Example! with { Source = AnnotatorName.Source(name) };
        if (example.Id is { } id && queue.IsLeasedToOther(example.Task, id, name))
        {
            return TypedResults.Problem(
                detail: $"review item \"{id}\" is leased to another annotator", statusCode: StatusCodes.Status409Conflict, title: "Leased by another annotator");
        }

        try
        {
            var landed = await publisher.PublishAsync(FeedbackJson.Serialize(example), cancellationToken).ConfigureAwait(false);
            if (example.Id is { } done)
            {
                queue.Complete(example.Task, done);
            }

            LabelingLog.FeedbackPublished(logger, name, example.Task.ToName(), landed.Topic, landed.Partition.Value, landed.Offset.Value);
            return TypedResults.Accepted((string?)null, new FeedbackAcceptedView(landed.Topic, landed.Partition.Value, landed.Offset.Value, example.Source!));
        }
        catch (FeedbackUnavailableException ex)
        {
            LabelingLog.FeedbackUnavailable(logger, name, ex.Message);
            return TypedResults.Problem(
                detail: ex.Message + "; nothing was published, send it again",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Kafka unavailable");
        }
    }

    /// <summary><c>POST /api/review/{id}/skip</c> (the item's <c>reviewId</c>): releases the caller's lease; the item goes to another annotator.</summary>
    public IResult Skip(string id, [FromHeader(Name = AnnotatorName.Header)] string? annotator)
    {
        if (!AnnotatorName.TryRead(annotator, out var name, out var annotatorError))
        {
            return Invalid(AnnotatorName.Header, annotatorError);
        }

        return queue.Skip(id, name) switch
        {
            SkipOutcome.Released => TypedResults.NoContent(),
            SkipOutcome.LeasedByOther => TypedResults.Problem(
                detail: $"review item \"{id}\" is leased to another annotator", statusCode: StatusCodes.Status409Conflict, title: "Leased by another annotator"),
            _ => TypedResults.Problem(detail: $"no review item \"{id}\" is waiting (labelled already, or not read yet)", statusCode: StatusCodes.Status404NotFound, title: "Unknown review item"),
        };
    }

    /// <summary><c>GET /api/models</c>: versions per task and the retrainer's decisions with their numbers.</summary>
    public IResult GetModels() => TypedResults.Ok(history.Read());

    private ReviewItemView View(ReviewLease lease)
    {
        var item = lease.Item;
        var task = NlpTaskNames.Parse(item.Task);
        var labels = new List<string>(history.Labels(task));
        foreach (var extra in (item.Prediction?.Scores.Keys ?? []).Concat((item.Entities ?? []).Select(e => e.Label)))
        {
            if (!labels.Contains(extra, StringComparer.Ordinal))
            {
                labels.Add(extra);
            }
        }

        return new ReviewItemView(
            lease.ReviewId,
            item.Id,
            task.ToName(),
            item.Text,
            item.Prediction?.Label,
            item.Prediction?.Score,
            item.Prediction?.Scores,
            item.Entities ?? [],
            item.ModelVersion,
            item.Confidence,
            labels,
            lease.ExpiresAt);
    }

    /// <summary>The body, or null when it is longer than <paramref name="maxBytes"/> (read no further than that).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private IResult Rejected(string code, string field, string detail)
    {
        LabelingLog.FeedbackRejected(logger, code, field, detail);
        return TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [field] = [detail] },
            detail: $"{field}: {detail}",
            title: "Invalid feedback; nothing was published",
            extensions: new Dictionary<string, object?> { ["code"] = code, ["field"] = field });
    }

    private static IResult Invalid(string field, string detail) =>
        TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [field] = [detail] },
            detail: $"{field}: {detail}",
            title: "Invalid request",
            extensions: new Dictionary<string, object?> { ["field"] = field });
}
