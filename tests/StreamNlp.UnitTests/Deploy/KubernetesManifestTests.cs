using System.Globalization;

namespace StreamNlp.UnitTests.Deploy;

/// <summary>
/// The invariants of the Kubernetes deployment, checked on the plain manifests in <c>deploy/k8s</c> and on what the Helm
/// chart renders with its default values (release <c>streamnlp</c>): probes on the right paths and port, resources,
/// non-root pods, a PodDisruptionBudget and Service that select the workers, one retrainer on its own volume, the
/// secret kept out of the ConfigMap, and KEDA scaling on the consumer group's lag with maxReplicaCount ≤ partitions.
/// </summary>
public sealed class KubernetesManifestTests
{
    public static TheoryData<string> Sources => new() { "k8s", "helm" };

    [Fact]
    public void EveryManifest_Parses_AndNamesItsKindAndName()
    {
        var files = Directory.EnumerateFiles(RepositoryRoot.Combine("deploy", "k8s"), "*.yaml").ToList();
        Assert.NotEmpty(files);
        foreach (var file in files.Where(f => Path.GetFileName(f) != "kustomization.yaml"))
        {
            var documents = YamlTree.LoadFile(file);
            Assert.NotEmpty(documents);
            foreach (var document in documents)
            {
                var o = YamlTree.Map(document, file);
                Assert.False(string.IsNullOrEmpty(o.GetValueOrDefault("apiVersion") as string), $"{file}: apiVersion");
                Assert.False(string.IsNullOrEmpty(KubernetesObjects.Kind(o)), $"{file}: kind");
                Assert.False(string.IsNullOrEmpty(KubernetesObjects.Name(o)), $"{file}: metadata.name");
            }
        }
    }

    [Fact]
    public void Kustomization_ListsEveryManifestAndNothingElse()
    {
        var folder = RepositoryRoot.Combine("deploy", "k8s");
        var kustomization = YamlTree.Map(YamlTree.LoadFile(Path.Combine(folder, "kustomization.yaml")).Single(), "kustomization.yaml");
        var listed = YamlTree.List(kustomization["resources"], "resources").Cast<string>().Order(StringComparer.Ordinal).ToList();
        var present = Directory.EnumerateFiles(folder, "*.yaml").Select(f => Path.GetFileName(f)).Where(f => f != "kustomization.yaml").Order(StringComparer.Ordinal).ToList();

        Assert.Equal(present, listed);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Retrainer_HasProbesOnItsHttpPort(string source)
    {
        var objects = Load(source);
        var config = ConfigData(objects);
        var container = SingleContainer(objects.Get("Deployment", "streamnlp-retrainer"));

        Assert.Equal(["retrainer"], Strings(container["args"]));
        var port = YamlTree.List(container["ports"], "ports").Select(p => YamlTree.Map(p, "port")).Single(p => (string?)p["name"] == "http");
        Assert.Equal(long.Parse(config["StreamNlp__Http__Port"], CultureInfo.InvariantCulture), port["containerPort"]);
        Assert.Equal("/healthz", YamlTree.At(container, "livenessProbe.httpGet.path"));
        Assert.Equal("/healthz", YamlTree.At(container, "startupProbe.httpGet.path"));
        Assert.Equal("/readyz", YamlTree.At(container, "readinessProbe.httpGet.path"));
        foreach (var probe in new[] { "livenessProbe", "startupProbe", "readinessProbe" })
        {
            Assert.Equal("http", YamlTree.At(container, $"{probe}.httpGet.port"));
        }
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Worker_HasProbesResourcesAndRunsWithoutTheRetrainer(string source)
    {
        var objects = Load(source);
        var config = ConfigData(objects);
        var worker = objects.Get("Deployment", "streamnlp-worker");
        var container = SingleContainer(worker);

        Assert.Contains("run", Strings(container["args"]));
        Assert.Contains("--no-retrainer", Strings(container["args"]));
        var port = YamlTree.List(container["ports"], "ports").Select(p => YamlTree.Map(p, "port")).Single(p => (string?)p["name"] == "http");
        Assert.Equal(long.Parse(config["StreamNlp__Http__Port"], CultureInfo.InvariantCulture), port["containerPort"]);
        Assert.Equal("0.0.0.0", config["StreamNlp__Http__BindAddress"]);
        Assert.Equal("/healthz", YamlTree.At(container, "livenessProbe.httpGet.path"));
        Assert.Equal("/healthz", YamlTree.At(container, "startupProbe.httpGet.path"));
        Assert.Equal("/readyz", YamlTree.At(container, "readinessProbe.httpGet.path"));
        foreach (var probe in new[] { "livenessProbe", "startupProbe", "readinessProbe" })
        {
            Assert.Equal("http", YamlTree.At(container, $"{probe}.httpGet.port"));
        }

        AssertResources(container);
        AssertNonRoot(worker, container);
        Assert.DoesNotContain(objects.All, o => KubernetesObjects.Kind(o) == "HorizontalPodAutoscaler"); // KEDA owns the HPA
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Worker_DisruptionBudgetAndServiceSelectItsPods(string source)
    {
        var objects = Load(source);
        var worker = objects.Get("Deployment", "streamnlp-worker");
        var podLabels = StringMap(YamlTree.At(worker, "spec.template.metadata.labels"));
        Assert.Equal(StringMap(YamlTree.At(worker, "spec.selector.matchLabels")), podLabels.Where(l => StringMap(YamlTree.At(worker, "spec.selector.matchLabels")).ContainsKey(l.Key)).ToDictionary());

        var pdb = Assert.Single(objects.OfKind("PodDisruptionBudget"));
        Assert.True(YamlTree.At(pdb, "spec.maxUnavailable") is not null || YamlTree.At(pdb, "spec.minAvailable") is not null);
        AssertSelects(StringMap(YamlTree.At(pdb, "spec.selector.matchLabels")), podLabels, "PodDisruptionBudget");

        var service = objects.Get("Service", "streamnlp-worker");
        AssertSelects(StringMap(YamlTree.At(service, "spec.selector")), podLabels, "Service");
        var servicePort = YamlTree.Map(Assert.Single(YamlTree.List(YamlTree.At(service, "spec.ports"), "ports")), "port");
        Assert.Equal("http", servicePort["targetPort"]);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Retrainer_IsOneReplicaRecreatedWithItsStoreOnAClaim(string source)
    {
        var objects = Load(source);
        var retrainer = objects.Get("Deployment", "streamnlp-retrainer");
        var container = SingleContainer(retrainer);

        Assert.Equal(1L, YamlTree.At(retrainer, "spec.replicas"));
        Assert.Equal("Recreate", YamlTree.At(retrainer, "spec.strategy.type"));
        Assert.Equal(["retrainer"], Strings(container["args"]));
        var database = YamlTree.List(container["env"], "env").Select(e => YamlTree.Map(e, "env"))
            .Single(e => (string?)e["name"] == "StreamNlp__Retrainer__DatabasePath")["value"] as string;
        var claims = Volumes(retrainer).Where(v => YamlTree.At(v, "persistentVolumeClaim.claimName") is string).ToDictionary(v => (string)v["name"]!, v => (string)YamlTree.At(v, "persistentVolumeClaim.claimName")!);
        var storeMount = YamlTree.List(container["volumeMounts"], "volumeMounts").Select(m => YamlTree.Map(m, "mount"))
            .Single(m => database!.StartsWith((string)m["mountPath"]! + "/", StringComparison.Ordinal));
        Assert.True(claims.ContainsKey((string)storeMount["name"]!), $"the feedback store {database} is not on a PersistentVolumeClaim");
        AssertResources(container);
        AssertNonRoot(retrainer, container);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void EveryReferencedClaimSecretAndConfigMapExists_AndThePasswordIsNotInTheConfigMap(string source)
    {
        var objects = Load(source);
        foreach (var deployment in objects.OfKind("Deployment"))
        {
            foreach (var volume in Volumes(deployment))
            {
                if (YamlTree.At(volume, "persistentVolumeClaim.claimName") is string claim)
                {
                    Assert.True(objects.Has("PersistentVolumeClaim", claim), $"claim {claim}");
                }

                if (YamlTree.At(volume, "secret.secretName") is string secretName)
                {
                    var secret = SecretKeys(objects, secretName);
                    foreach (var item in YamlTree.List(YamlTree.At(volume, "secret.items"), "items"))
                    {
                        Assert.Contains((string)YamlTree.At(item, "key")!, secret);
                    }
                }
            }

            var container = SingleContainer(deployment);
            foreach (var from in YamlTree.List(container["envFrom"], "envFrom"))
            {
                Assert.True(objects.Has("ConfigMap", (string)YamlTree.At(from, "configMapRef.name")!));
            }

            foreach (var env in YamlTree.List(container["env"], "env"))
            {
                if (YamlTree.At(env, "valueFrom.secretKeyRef") is Dictionary<string, object?> reference)
                {
                    Assert.Contains((string)reference["key"]!, SecretKeys(objects, (string)reference["name"]!));
                }
            }
        }

        var config = ConfigData(objects);
        Assert.All(config.Keys, k => Assert.StartsWith("StreamNlp__", k, StringComparison.Ordinal));
        Assert.DoesNotContain("StreamNlp__Kafka__SaslPassword", config.Keys);
        Assert.Equal("/var/run/secrets/streamnlp/kafka/password", config["StreamNlp__Kafka__SaslPasswordFile"]);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void ScaledObject_ScalesTheWorkersOnTheGroupsLag_NeverPastThePartitions(string source)
    {
        var objects = Load(source);
        var config = ConfigData(objects);
        var scaled = Assert.Single(objects.OfKind("ScaledObject"));
        var partitions = long.Parse(config["StreamNlp__Kafka__Partitions"], CultureInfo.InvariantCulture);

        Assert.Equal("Deployment", YamlTree.At(scaled, "spec.scaleTargetRef.kind"));
        Assert.Equal("streamnlp-worker", YamlTree.At(scaled, "spec.scaleTargetRef.name"));
        var max = Assert.IsType<long>(YamlTree.At(scaled, "spec.maxReplicaCount"));
        var min = Assert.IsType<long>(YamlTree.At(scaled, "spec.minReplicaCount"));
        Assert.InRange(max, 1, partitions);
        Assert.InRange(min, 1, max);
        var worker = objects.Get("Deployment", "streamnlp-worker");
        Assert.InRange((long)YamlTree.At(worker, "spec.replicas")!, min, max);

        var trigger = YamlTree.Map(Assert.Single(YamlTree.List(YamlTree.At(scaled, "spec.triggers"), "triggers")), "trigger");
        Assert.Equal("kafka", trigger["type"]);
        Assert.Equal(config["StreamNlp__Kafka__GroupId"], YamlTree.At(trigger, "metadata.consumerGroup"));
        Assert.Equal(config["StreamNlp__Kafka__InputTopics__0"], YamlTree.At(trigger, "metadata.topic"));
        Assert.Equal(config["StreamNlp__Kafka__BootstrapServers"], YamlTree.At(trigger, "metadata.bootstrapServers"));
        Assert.True(long.Parse((string)YamlTree.At(trigger, "metadata.lagThreshold")!, CultureInfo.InvariantCulture) > 0);
        Assert.Equal("false", YamlTree.At(trigger, "metadata.allowIdleConsumers"));

        var authentication = objects.Get("TriggerAuthentication", (string)YamlTree.At(trigger, "authenticationRef.name")!);
        foreach (var reference in YamlTree.List(YamlTree.At(authentication, "spec.secretTargetRef"), "secretTargetRef"))
        {
            Assert.Contains((string)YamlTree.At(reference, "key")!, SecretKeys(objects, (string)YamlTree.At(reference, "name")!));
        }
    }

    internal static KubernetesObjects Load(string source) => source switch
    {
        "k8s" => KubernetesObjects.FromFolder(RepositoryRoot.Combine("deploy", "k8s")),
        "helm" => new KubernetesObjects(HelmChartRenderer.Render("streamnlp").Values.SelectMany(d => d)),
        _ => throw new ArgumentOutOfRangeException(nameof(source)),
    };

    private static Dictionary<string, string> ConfigData(KubernetesObjects objects) =>
        StringMap(Assert.Single(objects.OfKind("ConfigMap"))["data"]);

    private static HashSet<string> SecretKeys(KubernetesObjects objects, string name)
    {
        var secret = objects.Get("Secret", name);
        return [.. StringMap(secret.GetValueOrDefault("stringData") ?? secret.GetValueOrDefault("data")).Keys];
    }

    private static Dictionary<string, object?> SingleContainer(Dictionary<string, object?> deployment) =>
        YamlTree.Map(Assert.Single(YamlTree.List(YamlTree.At(deployment, "spec.template.spec.containers"), "containers")), "container");

    private static IEnumerable<Dictionary<string, object?>> Volumes(Dictionary<string, object?> deployment) =>
        YamlTree.List(YamlTree.At(deployment, "spec.template.spec.volumes"), "volumes").Select(v => YamlTree.Map(v, "volume"));

    private static List<string> Strings(object? node) => [.. YamlTree.List(node, "list").Select(v => Assert.IsType<string>(v))];

    private static Dictionary<string, string> StringMap(object? node) =>
        YamlTree.Map(node, "map").ToDictionary(p => p.Key, p => Assert.IsType<string>(p.Value), StringComparer.Ordinal);

    private static void AssertSelects(Dictionary<string, string> selector, Dictionary<string, string> podLabels, string what)
    {
        Assert.NotEmpty(selector);
        Assert.All(selector, s => Assert.True(podLabels.TryGetValue(s.Key, out var v) && v == s.Value, $"{what} selector {s.Key}={s.Value} does not match the worker pods"));
    }

    private static void AssertResources(Dictionary<string, object?> container)
    {
        foreach (var path in new[] { "resources.requests.cpu", "resources.requests.memory", "resources.limits.memory" })
        {
            Assert.NotNull(YamlTree.At(container, path));
        }
    }

    private static void AssertNonRoot(Dictionary<string, object?> deployment, Dictionary<string, object?> container)
    {
        Assert.Equal(true, YamlTree.At(deployment, "spec.template.spec.securityContext.runAsNonRoot"));
        Assert.NotEqual(0L, YamlTree.At(deployment, "spec.template.spec.securityContext.runAsUser"));
        Assert.Equal(false, YamlTree.At(container, "securityContext.allowPrivilegeEscalation"));
        Assert.Equal(true, YamlTree.At(container, "securityContext.readOnlyRootFilesystem"));
    }
}
