using Microsoft.Extensions.Options;
using StreamNlp.Kafka.Topics;
using StreamNlp.Models.Registry;
using StreamNlp.Models.Runtime;

namespace StreamNlp.Cli.Commands;

/// <summary>
/// Turns expected failures into one clear line on stderr and an exit code: 0 done or stopped by Ctrl-C /
/// SIGTERM, 1 a runtime failure (see <see cref="HostExit"/>; topics that cannot be created), 2 a bad
/// setting or argument (also <c>ExecutionProvider=Cuda</c> where CUDA does not load), 3 a model refused at load.
/// </summary>
internal static class CommandRunner
{
    public static async Task<int> Guard(Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (CliException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return 2;
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync($"error: invalid configuration: {string.Join(" ", ex.Failures)}").ConfigureAwait(false);
            return HostExit.BadSetting;
        }
        catch (InvalidOperationException ex) when (ex.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            await Console.Error.WriteLineAsync($"error: invalid configuration: {ex.Message}").ConfigureAwait(false);
            return 2;
        }
        catch (CudaUnavailableException ex)
        {
            // A setting this machine cannot satisfy: like a bad setting, a restart will not help (exit 2).
            await Console.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return HostExit.BadSetting;
        }
        catch (TopicProvisioningException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return HostExit.RuntimeFailure;
        }
        catch (ModelIntegrityException ex)
        {
            await Console.Error.WriteLineAsync($"error: model refused: {ex.Message}").ConfigureAwait(false);
            return 3;
        }
        catch (OperationCanceledException)
        {
            return 130;
        }
    }
}
