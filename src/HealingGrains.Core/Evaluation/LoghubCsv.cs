using System.Text;

namespace HealingGrains.Core.Evaluation;

/// <summary>Reads Loghub's <c>*_structured.csv</c> files (RFC 4180 quoting: commas, quotes and line breaks inside quoted fields).</summary>
public static class LoghubCsv
{
    /// <summary>The labelled lines of one file, in order.</summary>
    public static IReadOnlyList<LoghubRecord> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var rows = ReadRows(reader).ToList();
        if (rows.Count == 0)
        {
            throw new FormatException("The file is empty: expected a header with Content, EventId and EventTemplate.");
        }

        var header = rows[0];
        int Column(string name) =>
            header.IndexOf(name) is var index and >= 0
                ? index
                : throw new FormatException($"The header has no '{name}' column.");
        var content = Column("Content");
        var eventId = Column("EventId");
        var template = Column("EventTemplate");
        var width = Math.Max(content, Math.Max(eventId, template));

        var records = new List<LoghubRecord>(rows.Count - 1);
        for (var i = 1; i < rows.Count; i++)
        {
            var row = rows[i];
            if (row.Count <= width)
            {
                throw new FormatException($"Row {i + 1} has {row.Count} fields; the header has {header.Count}.");
            }

            records.Add(new LoghubRecord(row[content], row[eventId], row[template]));
        }

        return records;
    }

    private static IEnumerable<List<string>> ReadRows(TextReader reader)
    {
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var any = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            any = true;
            var ch = (char)c;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        field.Append('"');
                        reader.Read();
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    field.Append(ch);
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (ch == '\n' || ch == '\r')
            {
                if (ch == '\r' && reader.Peek() == '\n')
                {
                    reader.Read();
                }

                row.Add(field.ToString());
                field.Clear();
                yield return row;
                row = [];
                any = false;
            }
            else
            {
                field.Append(ch);
            }
        }

        if (any)
        {
            row.Add(field.ToString());
            yield return row;
        }
    }
}
