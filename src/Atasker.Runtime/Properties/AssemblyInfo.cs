using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Atasker.Runtime.Tests")]
[assembly: InternalsVisibleTo("Atasker.ProcessTests")]
