using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using StreamNlp.Labeling.Access;
using StreamNlp.UnitTests.Logging;

namespace StreamNlp.UnitTests.Labeling.Access;

public sealed class LabelingAccessTests
{
    private static DefaultHttpContext Request(string remote, string? authorization = null)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        return context;
    }

    private static int? Status(IResult? result) => (result as IStatusCodeHttpResult)?.StatusCode;

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public void Check_NoToken_FromThisMachine_IsAllowed(string remote) =>
        Assert.Null(new LabelingAccess(null, NullLogger.Instance).Check(Request(remote), needsToken: true));

    [Fact]
    public void Check_NoToken_FromAnotherMachine_Is403()
    {
        var access = new LabelingAccess(null, NullLogger.Instance);

        Assert.Equal(StatusCodes.Status403Forbidden, Status(access.Check(Request("10.1.2.3"), needsToken: false)));
        Assert.Equal(StatusCodes.Status403Forbidden, Status(access.Check(Request("10.1.2.3"), needsToken: true)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong")]
    [InlineData("Basic s3cret-token")]
    [InlineData("Bearer s3cret-token-and-more")]
    public void Check_WithToken_MissingOrWrong_Is401(string? authorization)
    {
        var access = new LabelingAccess("s3cret-token", NullLogger.Instance);

        Assert.Equal(StatusCodes.Status401Unauthorized, Status(access.Check(Request("10.1.2.3", authorization), needsToken: true)));
    }

    [Fact]
    public void Check_WithToken_RightBearer_IsAllowedFromAnywhere_AndTheTokenIsNeverLogged()
    {
        var logger = new CapturingLogger();
        var access = new LabelingAccess("s3cret-token", logger);

        Assert.Null(access.Check(Request("10.1.2.3", "Bearer s3cret-token"), needsToken: true));
        Assert.Null(access.Check(Request("10.1.2.3"), needsToken: false)); // the page itself carries no data
        Assert.NotNull(access.Check(Request("10.1.2.3", "Bearer s3cret-tokeX"), needsToken: true));

        Assert.NotEmpty(logger.Lines);
        Assert.DoesNotContain(logger.Lines, l => l.Message.Contains("s3cret", StringComparison.Ordinal));
        Assert.DoesNotContain(logger.Values, v => v.Contains("s3cret", StringComparison.Ordinal));
    }
}
