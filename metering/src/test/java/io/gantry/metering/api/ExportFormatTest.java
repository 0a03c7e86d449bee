package io.gantry.metering.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.Json;
import io.gantry.metering.usage.Figures;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExportFormatTest {
    private static final Figures FIGURES = new Figures(3600.0, 1.5, 0.25, 1_073_741_824L, 2.0, 1.0E-6, 0.003, 1, 0);

    @Test
    void csvFieldsAreQuotedOnlyWhenTheyMustBe() {
        assertThat(Csv.field("plain")).isEqualTo("plain");
        assertThat(Csv.field("a,b")).isEqualTo("\"a,b\"");
        assertThat(Csv.field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(Csv.field("two\nlines")).isEqualTo("\"two\nlines\"");
        assertThat(Csv.field(null)).isEmpty();
        assertThat(Csv.line(List.of("a", "b,c", ""))).isEqualTo("a,\"b,c\",\r\n");
    }

    @Test
    void theExportHasAHeaderAndOneLinePerRowWithTheJsonValues() {
        ExportRow row = new ExportRow(LocalDate.parse("2026-11-24"), "0b6c5c1e-0000-4000-8000-000000000001", "ann,the first",
                "5d0f0b5e-0000-4000-8000-000000000002", "small", FIGURES);

        String csv = ExportRow.csv(List.of(row));

        String[] lines = csv.split("\r\n");
        assertThat(lines[0]).isEqualTo("day,account,login,machine,package,instance_seconds,cpu_seconds,memory_gib_hours,"
                + "memory_peak_bytes,disk_gib_hours,network_in_gb,network_out_gb,oom_kills,forks_refused");
        assertThat(lines[1]).isEqualTo("2026-11-24,0b6c5c1e-0000-4000-8000-000000000001,\"ann,the first\","
                + "5d0f0b5e-0000-4000-8000-000000000002,small,3600.0,1.5,0.25,1073741824,2.0,1.0E-6,0.003,1,0");
        assertThat(lines).hasSize(2);
        // the JSON form of the same row carries the same fields, values as written in CSV
        String json = Json.write(row);
        assertThat(json).contains("\"day\":\"2026-11-24\"", "\"login\":\"ann,the first\"", "\"instance_seconds\":3600.0",
                "\"network_in_gb\":1.0E-6", "\"memory_peak_bytes\":1073741824", "\"package\":\"small\"");
    }
}
