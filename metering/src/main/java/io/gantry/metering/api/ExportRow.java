package io.gantry.metering.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.gantry.metering.usage.Figures;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** One row of the billing export: an account's machine's usage on one UTC day. */
public record ExportRow(
        @JsonProperty("day") LocalDate day,
        @JsonProperty("account") String account,
        @JsonProperty("login") String login,
        @JsonProperty("machine") String machine,
        @JsonProperty("package") String packageName,
        @JsonUnwrapped Figures figures) {

    public static final List<String> HEADER;

    static {
        List<String> h = new ArrayList<>(List.of("day", "account", "login", "machine", "package"));
        h.addAll(Figures.FIELDS);
        HEADER = List.copyOf(h);
    }

    public List<String> csvFields() {
        List<String> f = new ArrayList<>(List.of(day.toString(), account, login == null ? "" : login, machine,
                packageName == null ? "" : packageName));
        f.addAll(figures.values());
        return f;
    }

    public static String csv(List<ExportRow> rows) {
        StringBuilder out = new StringBuilder(Csv.line(HEADER));
        for (ExportRow r : rows) {
            out.append(Csv.line(r.csvFields()));
        }
        return out.toString();
    }
}
