using System.Text.Json;

namespace StreamNlp.UnitTests.Deploy;

/// <summary>
/// docker-compose.yml and what it mounts (Prometheus, Grafana), read as YAML/JSON: two workers without the retrainer,
/// one retrainer, probes on the HTTP endpoint, Prometheus scraping the workers, a dashboard over the service's series.
/// (.ci/run also parses the file with docker-compose where it can be installed.)
/// </summary>
public sealed class ComposeStackTests
{
    private static readonly Dictionary<string, object?> Services =
        YamlTree.Map(YamlTree.Map(YamlTree.LoadFile(RepositoryRoot.Combine("docker-compose.yml")).Single(), "docker-compose.yml")["services"], "services");

    [Fact]
    public void Workers_AreTwoReplicasOfRunWithoutTheRetrainer_OnTheBrokerWithProbes()
    {
        var worker = YamlTree.Map(Services["worker"], "worker");
        var environment = YamlTree.Map(worker["environment"], "environment");

        Assert.Equal(2L, YamlTree.At(worker, "deploy.replicas"));
        Assert.Equal(["run", "--no-retrainer"], YamlTree.List(worker["command"], "command"));
        Assert.Equal("kafka:9092", environment["StreamNlp__Kafka__BootstrapServers"]);
        Assert.Equal("0.0.0.0", environment["StreamNlp__Http__BindAddress"]);
        Assert.Contains("/readyz", string.Join(' ', YamlTree.List(YamlTree.At(worker, "healthcheck.test"), "test")), StringComparison.Ordinal);
        Assert.Null(worker.GetValueOrDefault("ports")); // two replicas cannot share a host port
        Assert.Null(worker.GetValueOrDefault("container_name"));
    }

    [Fact]
    public void Retrainer_IsOneServiceWithItsOwnStoreAndTheSharedRegistry()
    {
        var retrainer = YamlTree.Map(Services["retrainer"], "retrainer");
        var worker = YamlTree.Map(Services["worker"], "worker");

        Assert.Equal(["retrainer"], YamlTree.List(retrainer["command"], "command"));
        Assert.Equal("retrainer", YamlTree.At(retrainer, "build.target"));
        Assert.Null(YamlTree.At(retrainer, "deploy.replicas"));
        var retrainerVolumes = YamlTree.List(retrainer["volumes"], "volumes").Cast<string>().ToList();
        var workerVolumes = YamlTree.List(worker["volumes"], "volumes").Cast<string>().ToList();
        Assert.Contains("models:/var/lib/streamnlp/models", retrainerVolumes);
        Assert.Contains("models:/var/lib/streamnlp/models", workerVolumes);
        Assert.Contains(retrainerVolumes, v => v.StartsWith("feedback:", StringComparison.Ordinal));
        Assert.DoesNotContain(workerVolumes, v => v.StartsWith("feedback:", StringComparison.Ordinal));
    }

    [Fact]
    public void Prometheus_ScrapesEveryWorkerReplicaOnItsHttpPort()
    {
        var prometheus = YamlTree.Map(Services["prometheus"], "prometheus");
        Assert.Contains("./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro", YamlTree.List(prometheus["volumes"], "volumes"));
        var config = YamlTree.LoadFile(RepositoryRoot.Combine("deploy", "prometheus", "prometheus.yml")).Single();

        var job = YamlTree.List(YamlTree.At(config, "scrape_configs"), "scrape_configs").Select(j => YamlTree.Map(j, "job"))
            .Single(j => (string?)j["job_name"] == "streamnlp-worker");
        Assert.Equal("/metrics", job["metrics_path"]);
        var discovery = YamlTree.Map(Assert.Single(YamlTree.List(job["dns_sd_configs"], "dns_sd_configs")), "dns_sd");
        Assert.Equal(["worker"], YamlTree.List(discovery["names"], "names"));
        Assert.Equal(8080L, discovery["port"]);
    }

    [Fact]
    public void Grafana_ProvisionsPrometheusAndADashboardOverTheServiceSeries()
    {
        var grafana = YamlTree.Map(Services["grafana"], "grafana");
        var volumes = YamlTree.List(grafana["volumes"], "volumes").Cast<string>().ToList();
        Assert.Contains("./deploy/grafana/provisioning:/etc/grafana/provisioning:ro", volumes);
        Assert.Contains("./deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro", volumes);
        var datasource = YamlTree.Map(Assert.Single(YamlTree.List(YamlTree.At(
            YamlTree.LoadFile(RepositoryRoot.Combine("deploy", "grafana", "provisioning", "datasources", "prometheus.yml")).Single(), "datasources"), "datasources")), "datasource");
        Assert.Equal("http://prometheus:9090", datasource["url"]);
        var provider = YamlTree.Map(Assert.Single(YamlTree.List(YamlTree.At(
            YamlTree.LoadFile(RepositoryRoot.Combine("deploy", "grafana", "provisioning", "dashboards", "streamnlp.yml")).Single(), "providers"), "providers")), "provider");
        Assert.Equal("/var/lib/grafana/dashboards", YamlTree.At(provider, "options.path"));

        using var dashboard = JsonDocument.Parse(File.ReadAllText(RepositoryRoot.Combine("deploy", "grafana", "dashboards", "streamnlp.json")));
        var panels = dashboard.RootElement.GetProperty("panels").EnumerateArray().ToList();
        var expressions = panels.SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!).ToList();
        Assert.All(panels, p => Assert.Equal(datasource["uid"], p.GetProperty("datasource").GetProperty("uid").GetString()));
        Assert.Contains(expressions, e => e.Contains("rate(streamnlp_records_total", StringComparison.Ordinal));
        Assert.Contains(expressions, e => e.Contains("streamnlp_consumer_lag", StringComparison.Ordinal));
        Assert.Contains(expressions, e => e.Contains("histogram_quantile(0.99", StringComparison.Ordinal) && e.Contains("streamnlp_record_latency_seconds_bucket", StringComparison.Ordinal));
        Assert.Contains(expressions, e => e.Contains("sum by (reason)", StringComparison.Ordinal) && e.Contains("streamnlp_deadletters_total", StringComparison.Ordinal));
        Assert.Contains(expressions, e => e.Contains("streamnlp_model_info", StringComparison.Ordinal) && e.Contains("version", StringComparison.Ordinal));
    }
}
