package finora.admin.spend;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class UsdTest {

    @Test
    void format_roundsHalfUpToTheCent() {
        assertThat(Usd.format(new BigDecimal("1234.565"))).isEqualTo("$1,234.57");
    }

    @Test
    void signed_writesPlusOrATrueMinus() {
        assertThat(Usd.signed(new BigDecimal("12.344"))).isEqualTo("+$12.34");
        assertThat(Usd.signed(new BigDecimal("-14.676544"))).isEqualTo("\u2212$14.68");
    }

    @Test
    void signed_keepsTheDigitsOfAChangeBelowHalfACent() {
        assertThat(Usd.signed(new BigDecimal("0.004200"))).isEqualTo("+$0.0042");
        assertThat(Usd.signed(new BigDecimal("-0.000001"))).isEqualTo("\u2212$0.000001");
    }
}
