using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamNlp.Http;
using StreamNlp.Labeling.Access;
using StreamNlp.Labeling.Api;
using StreamNlp.Labeling.Configuration;
using StreamNlp.Labeling.Page;

namespace StreamNlp.Labeling;

/// <summary>
/// The labelling page (<c>/</c>, <c>/app.js</c>, <c>/app.css</c>, embedded) and its JSON API under <c>/api</c>
/// on the shared HTTP host, with the OpenAPI document at <c>/openapi/v1.json</c>.
/// </summary>
public sealed class LabelingModule(
    LabelingEndpoints endpoints,
    PageAssets assets,
    IOptions<HttpOptions> http,
    IOptions<LabelingOptions> labeling,
    ILogger<LabelingModule> logger) : IHttpModule
{
    public void ConfigureServices(IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "StreamNlp labelling API";
            document.Info.Description =
                "Review items from nlp.review (leased: two annotators never get the same item), feedback to nlp.feedback, " +
                "model versions and retrainer decisions. Send X-Annotator on every call, and Authorization: Bearer <token> when StreamNlp:Http:Token is set.";
            return Task.CompletedTask;
        }));
    }

    public void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!labeling.Value.Enabled)
        {
            return;
        }

        var access = new LabelingAccess(http.Value.Token, logger);
        app.MapOpenApi();
        var page = app.MapGroup("").AddEndpointFilter((context, next) => access.Check(context.HttpContext, needsToken: false) is { } refused
            ? ValueTask.FromResult<object?>(refused)
            : next(context)).ExcludeFromDescription();
        page.MapGet("/", () => Asset(assets.Index, "text/html; charset=utf-8"));
        page.MapGet("/app.js", () => Asset(assets.Script, "text/javascript; charset=utf-8"));
        page.MapGet("/app.css", () => Asset(assets.Style, "text/css; charset=utf-8"));

        var api = app.MapGroup("/api").WithTags("labelling").AddEndpointFilter((context, next) =>
            access.Check(context.HttpContext, needsToken: true) is { } refused ? ValueTask.FromResult<object?>(refused) : next(context));
        api.MapGet("/review", endpoints.GetReview)
            .WithName("GetReview")
            .WithSummary("Review items not yet labelled, leased to the caller (X-Annotator) for StreamNlp:Labeling:LeaseSeconds.")
            .Produces<ReviewItemsView>()
            .ProducesValidationProblem();
        api.MapPost("/feedback", endpoints.PostFeedback)
            .WithName("PostFeedback")
            .WithSummary("One feedback message in the nlp.feedback schema; 202 once Kafka acknowledged it, 400 naming the field, 503 when Kafka is unavailable.")
            .Accepts<FeedbackRequest>("application/json")
            .Produces<FeedbackAcceptedView>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapPost("/review/{id}/skip", endpoints.Skip)
            .WithName("SkipReview")
            .WithSummary("Releases the caller's lease on an item; it goes to another annotator, not back to the caller.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/models", endpoints.GetModels)
            .WithName("GetModels")
            .WithSummary("Versions per task (registry) with dev metrics, and the retrainer's decisions with their numbers.")
            .Produces<ModelsView>();
    }

    private static IResult Asset(byte[] content, string contentType) => new PageAssetResult(content, contentType);
}
