namespace StreamNlp.Worker.Hosting;

/// <summary>Keys of the Polly pipelines registered for the worker.</summary>
public static class ResiliencePipelineKeys
{
    /// <summary>Retries a micro-batch's model run.</summary>
    public const string Inference = "streamnlp-inference";

    /// <summary>Retries producing records that were not acknowledged.</summary>
    public const string Publish = "streamnlp-publish";
}
