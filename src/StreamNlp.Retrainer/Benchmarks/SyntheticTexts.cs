using System.Text.Json;

namespace StreamNlp.Retrainer.Benchmarks;

/// <summary>
/// Template-built texts for the feedback-loop benchmark and tests: a new domain (cooking) the shipped
/// topic model has no label for, and small base data in the four AG News topics, so neither needs data files.
/// </summary>
public static class SyntheticTexts
{
    private static readonly string[] Verbs = ["Whisk", "Chop", "Simmer", "Roast", "Saute", "Knead", "Marinate", "Grill", "Blend", "Fry", "Braise", "Steam"];
    private static readonly string[] Ingredients = ["onions", "garlic", "tomatoes", "chicken", "flour", "butter", "basil", "salmon", "potatoes", "lentils", "mushrooms", "ginger", "carrots", "rice"];
    private static readonly string[] Tools = ["skillet", "oven", "wok", "saucepan", "blender", "grill", "dutch oven"];

    public static IReadOnlyList<string> Cooking(int count, int seed)
    {
        var random = new Random(seed);
        var texts = new HashSet<string>();
        while (texts.Count < count)
        {
            texts.Add($"{Pick(random, Verbs)} the {Pick(random, Ingredients)} with {Pick(random, Ingredients)} in a {Pick(random, Tools)} for {random.Next(5, 90)} minutes, then season to taste.");
        }

        return [.. texts];
    }

    /// <summary>Base examples for the four shipped topic labels.</summary>
    public static IReadOnlyList<(string Text, string Label)> Topics(int perLabel, int seed)
    {
        var random = new Random(seed);
        string[] leaders = ["The president", "The prime minister", "The foreign minister", "UN envoys", "NATO leaders"];
        string[] places = ["Berlin", "Cairo", "Tokyo", "Brussels", "Nairobi", "Kyiv", "Delhi"];
        string[] teams = ["Arsenal", "the Lakers", "Real Madrid", "the Yankees", "Bayern Munich", "the Celtics"];
        string[] companies = ["Shares of Ford", "Oil prices", "The Dow Jones index", "Shares of Boeing", "Wall Street stocks"];
        string[] tech = ["Microsoft", "Google", "Intel", "Apple", "Samsung"];
        string[] products = ["software update", "smartphone chip", "search engine feature", "cloud service", "operating system"];
        var result = new List<(string, string)>();
        for (var i = 0; i < perLabel; i++)
        {
            result.Add(($"{Pick(random, leaders)} met rebel leaders in {Pick(random, places)} to discuss a ceasefire after {random.Next(2, 60)} people died in clashes.", "world"));
            result.Add(($"{Pick(random, teams)} beat {Pick(random, teams)} {random.Next(1, 6)}-{random.Next(0, 3)} in the league on {(i % 2 == 0 ? "Sunday" : "Saturday")} as the striker scored twice.", "sports"));
            result.Add(($"{Pick(random, companies)} fell {random.Next(1, 9)} percent after the quarterly earnings report missed analyst forecasts by ${random.Next(1, 90)} million.", "business"));
            result.Add(($"{Pick(random, tech)} released a new {Pick(random, products)} for computers, promising faster internet browsing and {random.Next(2, 40)} hours of battery life.", "tech"));
        }

        return result;
    }

    public static string WriteJsonl(string path, IEnumerable<(string Text, string Label)> rows)
    {
        File.WriteAllLines(path, rows.Select(r => JsonSerializer.Serialize(new { text = r.Text, label = r.Label })));
        return path;
    }

    private static string Pick(Random random, string[] values) => values[random.Next(values.Length)];
}
