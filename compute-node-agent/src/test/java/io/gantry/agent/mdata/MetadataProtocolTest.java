package io.gantry.agent.mdata;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.agent.mdata.MetadataProtocol.Answer;
import io.gantry.agent.mdata.MetadataProtocol.Invalid;
import io.gantry.agent.mdata.MetadataProtocol.Negotiate;
import io.gantry.agent.mdata.MetadataProtocol.Op;
import io.gantry.agent.mdata.MetadataProtocol.Request;
import org.junit.jupiter.api.Test;

class MetadataProtocolTest {

    @Test
    void readsTheFrameMdataClientDocuments() {
        // the example of mdata-client's proto.c: body "dc4fae17 SUCCESS W10=", 21 bytes, crc32 265ae1d8
        assertThat(MetadataProtocol.frame("dc4fae17 SUCCESS W10=")).isEqualTo("V2 21 265ae1d8 dc4fae17 SUCCESS W10=\n");
    }

    @Test
    void parsesRequestsOfBothVersions() {
        assertThat(MetadataProtocol.parse("NEGOTIATE V2")).isInstanceOf(Negotiate.class);
        String get = MetadataProtocol.frame("0a1b2c3d GET " + MetadataProtocol.encode("user-script"));
        assertThat(MetadataProtocol.parse(get.strip())).isEqualTo(new Request("0a1b2c3d", Op.GET, "GET", "user-script", null));
        String put = MetadataProtocol.frame("00000001 PUT " + MetadataProtocol.encode(
                MetadataProtocol.encode("k") + " " + MetadataProtocol.encode("two\nlines")));
        assertThat(MetadataProtocol.parse(put.strip())).isEqualTo(new Request("00000001", Op.PUT, "PUT", "k", "two\nlines"));
        assertThat(MetadataProtocol.parse("GET foo")).isEqualTo(new Request(null, Op.GET, "GET", "foo", null));
        assertThat(MetadataProtocol.parse("KEYS")).isEqualTo(new Request(null, Op.KEYS, "KEYS", null, null));
    }

    @Test
    void refusesFramesThatFailTheirChecks() {
        String good = MetadataProtocol.frame("0a1b2c3d KEYS").strip();
        assertThat(MetadataProtocol.parse(good.replace("KEYS", "KEYZ"))).isInstanceOf(Invalid.class); // crc32 no longer matches
        assertThat(MetadataProtocol.parse(good.replace("V2 13 ", "V2 14 "))).isInstanceOf(Invalid.class);
        assertThat(MetadataProtocol.parse("V2 x y z")).isInstanceOf(Invalid.class);
        assertThat(MetadataProtocol.parse("DROP TABLE machines")).isInstanceOf(Invalid.class);
        assertThat(MetadataProtocol.parse("")).isInstanceOf(Invalid.class);
        // well framed but unknown: a request without an operation, answered FAILURE
        Request unknown = (Request) MetadataProtocol.parse(MetadataProtocol.frame("0a1b2c3d REBOOT").strip());
        assertThat(unknown.op()).isNull();
        Request badPayload = (Request) MetadataProtocol.parse(MetadataProtocol.frame("0a1b2c3d GET !!!!").strip());
        assertThat(badPayload.op()).isNull();
    }

    @Test
    void answersInTheRequestsVersion() {
        Request v2 = new Request("0a1b2c3d", Op.GET, "GET", "k", null);
        assertThat(MetadataProtocol.answer(v2, Answer.success("v"))).isEqualTo(MetadataProtocol.frame("0a1b2c3d SUCCESS dg=="));
        assertThat(MetadataProtocol.answer(v2, Answer.notFound())).isEqualTo(MetadataProtocol.frame("0a1b2c3d NOTFOUND"));
        Request v1 = new Request(null, Op.GET, "GET", "k", null);
        assertThat(MetadataProtocol.answer(v1, Answer.success("a\n.b"))).isEqualTo("SUCCESS\na\n..b\n.\n");
        assertThat(MetadataProtocol.answer(v1, Answer.notFound())).isEqualTo("NOTFOUND\n");
    }
}
