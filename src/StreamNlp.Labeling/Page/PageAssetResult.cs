using Microsoft.AspNetCore.Http;

namespace StreamNlp.Labeling.Page;

/// <summary>One embedded page file, sent with the page's content security policy and without caching.</summary>
internal sealed class PageAssetResult(byte[] content, string contentType) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.ContentType = contentType;
        response.Headers.ContentSecurityPolicy = PageAssets.ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.CacheControl = "no-cache";
        response.ContentLength = content.Length;
        return response.Body.WriteAsync(content).AsTask();
    }
}
