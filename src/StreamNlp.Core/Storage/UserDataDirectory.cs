namespace StreamNlp.Core.Storage;

/// <summary>Where StreamNlp keeps what it writes for a user: <c>$XDG_DATA_HOME/streamnlp</c>, else <c>~/.local/share/streamnlp</c>.</summary>
public static class UserDataDirectory
{
    public static string Root
    {
        get
        {
            var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
            var root = string.IsNullOrWhiteSpace(xdg)
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share")
                : xdg;
            return Path.Combine(root, "streamnlp");
        }
    }
}
