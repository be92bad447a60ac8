namespace StreamNlp.Training.NeuralNetworks;

/// <summary>
/// The one training loop of every head family: mini-batch AdamW (with an optional linear decay of the step size),
/// shuffling every epoch, scoring a dev metric after each epoch and keeping the best weights (early stopping with
/// patience). Random draws come from one seeded generator, forked in a fixed order (model initialisation, shuffling,
/// per-batch dropout), so the same seed, data and options give the same model whatever the number of cores.
/// </summary>
public static class HeadTrainingLoop
{
    /// <summary>Trains the model of <paramref name="problem"/>.</summary>
    /// <param name="problem">The family's model, examples and mini-batch step.</param>
    /// <param name="options">The shared settings; validated first.</param>
    /// <param name="devMetric">Scores the current model after each epoch, higher is better (e.g. entity F1);
    /// null uses dev accuracy.</param>
    /// <param name="progress">Receives each epoch's report.</param>
    /// <param name="cancellationToken">Checked between mini-batches.</param>
    /// <exception cref="ArgumentException">An invalid setting, or no training example.</exception>
    public static HeadTrainingResult<TModel> Run<TModel>(
        ITrainingProblem<TModel> problem,
        HeadTrainingOptions options,
        Func<TModel, double>? devMetric = null,
        IProgress<EpochReport>? progress = null,
        CancellationToken cancellationToken = default)
        where TModel : class, ITrainableModel<TModel>
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var order = problem.Examples;
        if (order.Length == 0)
        {
            throw new ArgumentException("There is no training example.", nameof(problem));
        }

        var tracker = new EpochTracker<TModel>(
            options.Patience,
            options.MinimumImprovement,
            m => m.Clone(),
            problem.HasDev ? problem.EvaluateDev : null,
            devMetric,
            progress);
        var random = new SeededRandom(unchecked((ulong)options.Seed));
        var model = problem.CreateModel(random.Fork());
        var shuffleRandom = random.Fork();
        var dropoutRandom = random.Fork();
        var classWeights = options.ClassWeighting ? problem.BalancedClassWeights() : [];
        var optimizer = new AdamWOptimizer(model.Parameters, options.LearningRate, options.WeightDecay);
        var batchSize = Math.Min(options.BatchSize, order.Length);
        var totalSteps = (long)((order.Length + batchSize - 1) / batchSize) * options.Epochs;

        for (var epoch = 1; epoch <= options.Epochs; epoch++)
        {
            shuffleRandom.Shuffle(order.AsSpan());
            double lossSum = 0;
            long correct = 0, scored = 0;
            for (var start = 0; start < order.Length; start += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = order.AsSpan(start, Math.Min(batchSize, order.Length - start));
                if (options.DecayLearningRate)
                {
                    optimizer.LearningRate = (float)(options.LearningRate * Math.Max(1.0 - ((double)optimizer.StepCount / totalSteps), 0.0)) + 1e-12f;
                }

                var outcome = problem.TrainBatch(model, batch, classWeights, dropoutRandom);
                optimizer.Step();
                lossSum += outcome.MeanLoss * outcome.Scored;
                scored += outcome.Scored;
                correct += outcome.Correct;
            }

            if (tracker.EndEpoch(model, epoch, lossSum / scored, (double)correct / scored))
            {
                break;
            }
        }

        var (finalModel, reports, bestEpoch) = tracker.Finish(model);
        return new HeadTrainingResult<TModel>(finalModel, reports, bestEpoch);
    }
}
