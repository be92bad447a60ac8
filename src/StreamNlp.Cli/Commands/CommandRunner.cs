using Microsoft.Extensions.Options;
using StreamNlp.Kafka.Topics;
using StreamNlp.Models.Registry;
using StreamNlp.Models.Runtime;

namespace StreamNlp.Cli.Commands;

/// <summary>
/// Turns failures into one clear line on stderr and an exit code: 0 done or stopped by Ctrl-C / SIGTERM, 1 a
/// runtime failure (see <see cref="HostExit"/>) or an unexpected error, 2 a bad setting or argument (topics that
/// cannot be created included: the line names <c>StreamNlp:Kafka:CreateTopics=false</c>; <c>ExecutionProvider=Cuda</c>
/// where CUDA does not load), 3 a model refused at load.
/// The stack trace follows the line only with <c>--verbose</c>.
/// </summary>
internal static class CommandRunner
{
    /// <summary>A bad setting or argument, or a start-up step that a setting must change (topic creation).</summary>
    public const int BadSetting = 2;

    /// <summary>Set from <c>--verbose</c> before the command runs: errors are followed by their stack trace.</summary>
    public static bool Verbose { get; set; }

    public static async Task<int> Guard(Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (CliException ex)
        {
            return await FailAsync($"error: {ex.Message}", ex, BadSetting).ConfigureAwait(false);
        }
        catch (OptionsValidationException ex)
        {
            return await FailAsync($"error: invalid configuration: {string.Join(" ", ex.Failures)}", ex, BadSetting).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex) when (ex.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            return await FailAsync($"error: invalid configuration: {ex.Message}", ex, BadSetting).ConfigureAwait(false);
        }
        catch (CudaUnavailableException ex)
        {
            // A setting this machine cannot satisfy: like a bad setting, a restart will not help (exit 2).
            return await FailAsync($"error: {ex.Message}", ex, BadSetting).ConfigureAwait(false);
        }
        catch (TopicProvisioningException ex)
        {
            return await FailAsync($"error: {ex.Message}", ex, BadSetting).ConfigureAwait(false);
        }
        catch (ModelIntegrityException ex)
        {
            return await FailAsync($"error: model refused: {ex.Message}", ex, 3).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return 130;
        }
#pragma warning disable CA1031 // Whatever else escapes a command is reported as one line, never as an unhandled exception.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return await FailAsync($"error: {ex.GetType().Name}: {OneLine(ex.Message)}{(Verbose ? "" : " (--verbose prints the stack trace)")}", ex, HostExit.RuntimeFailure)
                .ConfigureAwait(false);
        }
    }

    /// <summary>The exception's details, for <c>--verbose</c>.</summary>
    public static void WriteDetail(Exception exception)
    {
        if (Verbose)
        {
            Console.Error.WriteLine(exception.ToString());
        }
    }

    private static async Task<int> FailAsync(string line, Exception exception, int code)
    {
        await Console.Error.WriteLineAsync(line).ConfigureAwait(false);
        WriteDetail(exception);
        return code;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
